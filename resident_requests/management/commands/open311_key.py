from django.core.management.base import BaseCommand, CommandError

from resident_requests.models import Open311Partner
from resident_requests.services.partners import open311_partner_key_issue, open311_partner_save


class Command(BaseCommand):
    help = "Print a new Open311 key for the partner (created if missing); the partner's previous key stops working."

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="The partner's name, shown as the channel of its requests.")

    def handle(self, *args, partner, **options):
        name = partner.strip()
        if not name:
            raise CommandError("--partner needs a name.")
        existing = Open311Partner.objects.filter(name=name).first()
        if existing is None:
            key = open311_partner_save(actor=None, partner=Open311Partner(name=name))
        else:
            key = open311_partner_key_issue(actor=None, partner=existing)
            if not existing.active:
                self.stderr.write(f"{name} is inactive: the key works once the partner is made active in the back office.")
        self.stdout.write(key)
