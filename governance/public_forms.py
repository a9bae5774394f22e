"""The guards of every form anyone may post without login: a honeypot field and per-hour limits.

Security invariant: a public post is stored only when the hidden field is empty and the sender's address (and
phone, when given) is under its hourly limit. A filled honeypot is logged with the address only, and the form is
answered again with a neutral message and the field emptied, never with a fake success: a person whose browser
filled the field can simply send again.
"""

import logging

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.throttle import over_limit

logger = logging.getLogger(__name__)

HONEYPOT = "website"
LIMIT_PER_ADDRESS = 10
LIMIT_PER_PHONE = 3


class HoneypotField(forms.CharField):
    """A field people never see (off-screen, hidden from screen readers, out of the tab order); robots fill it."""

    honeypot = True

    def __init__(self, **kwargs):
        attrs = {"autocomplete": "off", "tabindex": "-1", "aria-hidden": "true"}
        super().__init__(required=False, label=gettext_lazy("Leave this empty"), widget=forms.TextInput(attrs=attrs), **kwargs)


def public_post_allowed(request, form, *, kind: str, phone: str = "") -> bool:
    """True when a valid public form may be stored; otherwise the form carries the reason for the sender."""
    # REMOTE_ADDR only: X-Forwarded-For is set by the sender and would let anyone pick a fresh address.
    address = request.META.get("REMOTE_ADDR", "")
    if form.cleaned_data.get(HONEYPOT):
        logger.warning("Public %s form: honeypot filled, nothing stored (address %s)", kind, address)
        form.data = form.data.copy()
        form.data[HONEYPOT] = ""
        form.add_error(None, _("This could not be sent. Check the form and send it again; if it fails again, call your grid worker."))
        return False
    if over_limit(f"public-{kind}:ip:{address}", LIMIT_PER_ADDRESS) or (phone and over_limit(f"public-{kind}:phone:{phone}", LIMIT_PER_PHONE)):
        form.add_error(None, _("Too many requests from here in the last hour; please call your grid worker or try later."))
        return False
    return True
