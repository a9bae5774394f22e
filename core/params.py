"""Query-string parameters of the pages (year, date, date range, period), parsed in one strict way.

A missing or empty parameter takes the page's default. A present but unusable one (year 0, 2026-13-45, "²", an unknown
period) raises BadQuery, a 400 whose message, in the user's language, says what to enter: never a 500 from building a
date, and never a silent switch to other figures than the ones asked for. Years and dates stay within FIRST_YEAR and
LAST_YEAR, so the day after the last date and its conversion to UTC always exist.
"""

import datetime as dt
import math
import re

from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.dates import PERIODS, month_start, period_bounds

FIRST_YEAR, LAST_YEAR = 2000, 2100


class BadQuery(BadRequest):
    """A query parameter the page cannot use. The message is ours and in the user's language, so the 400 page shows it."""


def query_year(params, *, default: int, name: str = "year") -> int:
    value = params.get(name, "")
    if value == "":
        return default
    # ASCII digits only: str.isdecimal() also accepts "２０２６" and other scripts' digits.
    if not re.fullmatch(r"[0-9]{4}", value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise BadQuery(_("The year must be a number from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return int(value)


def query_date(params, name: str, *, default: dt.date) -> dt.date:
    value = params.get(name, "")
    if value == "":
        return default
    try:
        # fromisoformat alone would also take "20260101" and week dates; the pattern keeps to what the date inputs send.
        day = dt.date.fromisoformat(value) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadQuery(_("Enter dates as YYYY-MM-DD, from %(first)d-01-01 to %(last)d-12-31.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return day


def query_date_range(params, *, default_start: dt.date, default_end: dt.date) -> tuple[dt.date, dt.date]:
    """The `from` and `to` dates, in order whichever way round they were entered."""
    start, end = query_date(params, "from", default=default_start), query_date(params, "to", default=default_end)
    return (start, end) if start <= end else (end, start)


def query_period(params, *, today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The period selector: a named period up to today, or custom `from`/`to` dates (this month where left empty)."""
    period = params.get("period", "") or "month"
    if period not in PERIODS:
        raise BadQuery(_("Choose the period from the list: this month, this quarter, this year or custom dates."))
    if period == "custom":
        return period, *query_date_range(params, default_start=month_start(today), default_end=today)
    return period, *period_bounds(period, today)


def parse_w3c_datetime(value: str) -> dt.datetime | None:
    """A W3C datetime (2026-05-01T08:00:00+08:00; local time without an offset) in UTC, or None when it is not one.

    ASCII only (parse_datetime's \\d takes other scripts' digits), impossible dates (month 13, hour 25) are None, and the
    year stays within FIRST_YEAR and LAST_YEAR so that the conversion to UTC and a window around it always exist.
    """
    if not value.isascii():
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return None
    return (moment if timezone.is_aware(moment) else timezone.make_aware(moment)).astimezone(dt.UTC)


def degrees(value: str | float, *, limit: int) -> float | None:
    """A longitude (limit 180) or latitude (limit 90) in decimal degrees, or None when the value is not one.

    Text has ASCII digits and one optional point only: float() would also take "nan", "1e2", "１１４" and other scripts'
    digits. A number (from JSON) must be finite; a boolean is not a number here.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value) if math.isfinite(value) else math.nan
    elif isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{1,15})?", value):
        number = float(value)
    else:
        return None
    return number if -limit <= number <= limit else None


def datetimes_in_range(**values: dt.datetime | None) -> None:
    """Refuse a date-time outside FIRST_YEAR..LAST_YEAR by field name: year 329 would be stored and answered with a local-mean-time offset."""
    errors = {
        name: _("Enter dates as YYYY-MM-DD, from %(first)d-01-01 to %(last)d-12-31.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        for name, value in values.items()
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR
    }
    if errors:
        raise ValidationError(errors)
