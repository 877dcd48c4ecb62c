"""Reporting quarters, for years that start in any month.

A reporting year is named by the calendar year it starts in: with a September
start, year 2024 runs from 1 September 2024 to 31 August 2025 and is labelled
"2024/25"; with a January start it is simply "2024".
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext, pgettext

# "YYYY-Q": the quarter as URLs, the API and forms name it, e.g. "2024-1".
KEY_PATTERN = r"^\d{4}-[1-4]$"
_KEY = re.compile(r"(\d{4})-([1-4])")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int
    start_month: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1–4, not {self.quarter}")
        if not 1 <= self.start_month <= 12:
            raise ValueError(f"start month must be 1–12, not {self.start_month}")

    @classmethod
    def containing(cls, day: datetime.date, start_month: int) -> "Quarter":
        months_in = (day.month - start_month) % 12
        year = day.year if day.month >= start_month else day.year - 1
        return cls(year, months_in // 3 + 1, start_month)

    @classmethod
    def parse_key(cls, key: str, start_month: int) -> "Quarter":
        """The quarter a "YYYY-Q" key names, in years starting in ``start_month``.

        Raises ValueError, with a message fit to show, for anything else.
        """
        match = _KEY.fullmatch(key) if isinstance(key, str) else None
        if match is None:
            raise ValueError(
                gettext("A quarter is given as YYYY-Q, e.g. 2024-1, not %(given)s.")
                % {"given": repr(str(key)[:20])}
            )
        return cls(int(match.group(1)), int(match.group(2)), start_month)

    @property
    def key(self) -> str:
        """The quarter as "YYYY-Q" (the reporting year, then its quarter 1–4)."""
        return f"{self.year}-{self.quarter}"

    @property
    def year_label(self) -> str:
        return year_label(self.year, self.start_month)

    @property
    def label(self) -> str:
        """ "2024/25 Q2" in English, "2024/25 Ch2" in Welsh ("chwarter"), as
        Welsh public bodies' quarterly reports write it."""
        return pgettext("quarter label", "%(year)s Q%(quarter)s") % {
            "year": self.year_label,
            "quarter": self.quarter,
        }

    @property
    def starts_on(self) -> datetime.date:
        return _month_start(self.year, self.start_month + 3 * (self.quarter - 1))

    @property
    def ends_on(self) -> datetime.date:
        return self.next().starts_on - datetime.timedelta(days=1)

    def next(self) -> "Quarter":
        if self.quarter == 4:
            return Quarter(self.year + 1, 1, self.start_month)
        return Quarter(self.year, self.quarter + 1, self.start_month)

    def previous(self) -> "Quarter":
        if self.quarter == 1:
            return Quarter(self.year - 1, 4, self.start_month)
        return Quarter(self.year, self.quarter - 1, self.start_month)

    def back(self, count: int) -> list["Quarter"]:
        """This quarter and the ``count - 1`` before it, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return list(reversed(quarters))


def year_label(year: int, start_month: int) -> str:
    if start_month == 1:
        return str(year)
    return f"{year}/{(year + 1) % 100:02d}"


def _month_start(year: int, month: int) -> datetime.date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, 1)
