import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# [0-9], not \d: \d also matches full-width and other scripts' digits, which would be stored, hashed and texted as typed.
MOBILE_RE = re.compile(r"^(?:\+?86)?(1[3-9][0-9]{9})$")


def normalize_mobile(value: str) -> str:
    """Return the 11-digit mobile number, or raise ValidationError in the user's language."""
    compact = re.sub(r"[\s-]", "", value or "")
    match = MOBILE_RE.match(compact)
    if not match:
        raise ValidationError(_("Enter a mainland mobile number: 11 digits starting with 13-19, optionally +86."), code="mobile")
    return match.group(1)


def validate_mobile(value: str) -> None:
    normalize_mobile(value)


def digits_validator(length: int) -> RegexValidator:
    return RegexValidator(rf"^[0-9]{{{length}}}$", format_lazy(_("Enter exactly {n} digits."), n=length), code="digits")
