"""Resident identity card numbers (GB 11643): the 18-digit check character, derived birth date and sex."""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level prefixes of the administrative division codes; an unknown one is only a warning.
PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
}


class Sex:
    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    sex: str
    legacy: bool
    warnings: tuple[str, ...]


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str) -> IdInfo:
    """Validate and decode a number; raise ValidationError with a message in the user's language."""
    number = re.sub(r"\s", "", raw or "").upper()
    # ASCII digits only: \d would take "１３０１…" and store a number that no hash or check ever matches again.
    if re.fullmatch(r"[0-9]{17}[0-9X]", number):
        legacy = False
        birth = number[6:14]
        sex_digit = int(number[16])
    elif re.fullmatch(r"[0-9]{15}", number):
        legacy = True
        birth = "19" + number[6:12]
        sex_digit = int(number[14])
    else:
        raise ValidationError(_("An ID number has 18 characters (the last may be X), or 15 digits for an old card."), code="id_format")
    try:
        birth_date = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError as exc:
        raise ValidationError(_("The birth date inside this ID number does not exist."), code="id_birth") from exc
    if birth_date > dt.date.today() or birth_date.year < 1890:
        raise ValidationError(_("The birth date inside this ID number is not plausible."), code="id_birth")
    # Checked after the date so that a mistyped date gets the more helpful message.
    if not legacy and check_char(number[:17]) != number[17]:
        raise ValidationError(_("The check character of this ID number is wrong; please check every digit."), code="id_check")
    warnings = []
    if number[:2] not in PROVINCES:
        warnings.append(_("The region code %(code)s is not a known province; please double-check.") % {"code": number[:6]})
    if legacy:
        warnings.append(_("This is an old 15-digit number; ask for the 18-digit card when possible."))
    return IdInfo(number=number, birth_date=birth_date, sex=Sex.MALE if sex_digit % 2 else Sex.FEMALE, legacy=legacy, warnings=tuple(warnings))
