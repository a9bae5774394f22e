from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from governance.signals import notify_requested


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The services import models, which only exist once the app registry is ready.
        from notifications.services import notification_send_requested

        # governance sits below this app and cannot import it: it asks for notifications by this signal.
        notify_requested.connect(notification_send_requested, dispatch_uid="notifications.send")
