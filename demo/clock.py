"""The demo's clock: moments in the office's working time on the official calendar (with 调休), on rest days, and
bulk inserts that keep the historic times the seeders set instead of the seed's own."""

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models
from django.utils import timezone

from resident_requests import calendar
from resident_requests.defaults import defaults_ensure

# Households are visited in the morning and the afternoon, away from lunch and supper.
VISIT_WINDOWS = ((dt.time(9, 0), dt.time(11, 30)), (dt.time(14, 0), dt.time(17, 30)))
# A residents' own hours: from breakfast to late evening, any day.
WAKING_WINDOWS = ((dt.time(7, 0), dt.time(22, 30)),)


class OfficeClock:
    """The calendar over the demo's past two years and the coming quarter, read once for every seeder."""

    def __init__(self, rng: random.Random, *, now: dt.datetime | None = None, days_back: int = 730):
        # A flushed test database has lost the migration's calendar; the demo needs it back before any time is drawn.
        defaults_ensure()
        self.rng = rng
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.calendar = calendar.calendar_for(self.today - dt.timedelta(days=days_back + 7), self.today + dt.timedelta(days=120))

    def after(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """`hours` of working time after `moment`: always inside the office's hours on a working day."""
        return calendar.add_working_hours(moment, hours, self.calendar)

    def before(self, moment: dt.datetime) -> dt.datetime:
        """`moment` if it is in working time, else a moment in the last half hour of working time before it."""
        local = timezone.localtime(moment)
        day, cursor = local.date(), local.time()
        while True:
            if self.calendar.is_working_day(day):
                for opens, closes in reversed(calendar.WINDOWS):
                    if opens <= cursor < closes:
                        return moment
                    if cursor >= closes:
                        closing = timezone.make_aware(dt.datetime.combine(day, closes), local.tzinfo)
                        return closing - dt.timedelta(minutes=self.rng.uniform(1, 30))
            day, cursor = day - dt.timedelta(days=1), dt.time.max

    def working_day(self, day: dt.date) -> dt.date:
        """The day itself if people work on it, else the working day before it."""
        while not self.calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def weekend_day(self, day: dt.date) -> dt.date:
        """The last Saturday or Sunday on or before `day` that is a rest day (a 调休 Saturday is a working day)."""
        while day.weekday() < 5 or self.calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def moment_on(self, day: dt.date, windows=calendar.WINDOWS) -> dt.datetime:
        """A random moment of `day` inside one of the windows, each chosen by its length."""
        spans = [dt.datetime.combine(day, closes) - dt.datetime.combine(day, opens) for opens, closes in windows]
        index = self.rng.choices(range(len(windows)), weights=[span.total_seconds() for span in spans])[0]
        return timezone.make_aware(dt.datetime.combine(day, windows[index][0]) + spans[index] * self.rng.random())


@contextmanager
def historic_times(*fields: models.DateTimeField) -> Iterator[None]:
    """Bulk inserts inside keep the times set on these auto_now(_add) fields instead of stamping every row at seed time.

    It changes the field definitions for the whole process, so it belongs to the seed command's single thread only.
    """
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
