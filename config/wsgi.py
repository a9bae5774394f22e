import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Keys that cannot open the stored ID numbers and phones (a restore with other keys) stop the start, loudly.
from governance.field_keys import field_keys_verify  # noqa: E402

field_keys_verify()
