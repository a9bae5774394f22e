"""Send the notifications the channels (SMS, WeChat) could not take yet; each is claimed first, so nothing goes twice."""

from django.core.management.base import BaseCommand

from notifications.services import notifications_retry


class Command(BaseCommand):
    help = "Send due notifications again (failed, interrupted, or stored while the channels were down)."

    def handle(self, *args, **options):
        self.stdout.write(f"{notifications_retry()} notifications sent.")
