"""Unified social credit codes (GB 32100): 18 characters from 0-9 and A-Z without I, O, Z, S, V."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_normalize(raw: str) -> str:
    code = (raw or "").strip().upper()
    if len(code) != 18 or any(char not in ALPHABET for char in code):
        raise ValidationError(_("A unified social credit code has 18 characters: digits and capital letters except I, O, Z, S and V."), code="uscc_format")
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The check character of this credit code is wrong; please check every character."), code="uscc_check")
    return code
