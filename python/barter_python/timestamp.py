"""``Timestamp``: chrono's ``DateTime<Utc>`` with every nanosecond kept.

A Python ``datetime`` stops at microseconds and at year 9999, and it has no
leap seconds; chrono has all three. ``Timestamp`` keeps chrono's exact value
(whole seconds plus nanoseconds) and still offers an aware ``datetime``.
"""

from __future__ import annotations

import datetime as _dt
import platform
import re

from ._record import Record, make

_NANOS_PER_SECOND = 1_000_000_000
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_SECONDS_PER_DAY = 86_400


_UTC = _dt.timezone.utc


_RFC3339 = re.compile(
    r"([+-]\d{4,}|\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z\Z"
)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date (inverse of the below)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    """(year, month, day) of a day count from 1970-01-01, for any year
    (proleptic Gregorian; H. Hinnant's algorithm)."""
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def _computed(seconds: int) -> tuple[int, int, int, int, int, int]:
    """(year, month, day, hour, minute, second) of a second since the epoch.
    Raises OverflowError outside the years 1..9999 a ``datetime`` holds."""
    days, second_of_day = divmod(seconds, _SECONDS_PER_DAY)
    year, month, day = _civil_from_days(days)
    if not 0 < year < 10_000:
        raise OverflowError(year)
    hour, rest = divmod(second_of_day, 3_600)
    minute, second = divmod(rest, 60)
    return (year, month, day, hour, minute, second)


#: The calendar fields of recently seen seconds, for CPython (bounded).
_CALENDAR: dict[int, tuple[int, int, int, int, int, int]] = {}
_CALENDAR_SIZE = 4096


def _cached(seconds: int) -> tuple[int, int, int, int, int, int]:
    fields = _CALENDAR.get(seconds)
    if fields is None:
        fields = _computed(seconds)
        if len(_CALENDAR) >= _CALENDAR_SIZE:
            _CALENDAR.clear()
        _CALENDAR[seconds] = fields
    return fields


#: ``Timestamp.datetime``'s calendar fields. PyPy's JIT runs the arithmetic
#: in ~30 ns, less than a dict lookup (its pure-Python ``datetime +
#: timedelta`` cost ~700). CPython's interpreter takes ~800 ns for it, so it
#: keeps recent seconds, as events cluster in time; with the C builder,
#: CPython's getter is C and this is not used.
_calendar = _computed if platform.python_implementation() == "PyPy" else _cached


class Timestamp(Record):
    """A UTC instant: ``seconds`` since the Unix epoch plus ``nanos``.

    ``nanos`` is below 10**9 except during a leap second, which chrono writes
    as second 59 with ``nanos`` from 10**9 (shown as ``23:59:60``).
    Timestamps order by time.
    """

    __slots__ = ()
    __match_args__ = ("seconds", "nanos")
    _fields = __match_args__
    seconds: int
    nanos: int

    def __new__(cls, seconds: int, nanos: int = 0) -> Timestamp:
        if type(seconds) is not int or type(nanos) is not int:
            raise TypeError("Timestamp(seconds, nanos) takes two ints")
        if not 0 <= nanos < 2 * _NANOS_PER_SECOND:
            raise ValueError(f"nanos must be in 0..2_000_000_000, got {nanos}")
        if nanos >= _NANOS_PER_SECOND and seconds % 60 != 59:
            raise ValueError("nanos of 10**9 or more mark a leap second, which must be second 59")
        return make(cls, (seconds, nanos))

    @classmethod
    def _of(cls, seconds: int, nanos: int) -> Timestamp:
        """Without validation, for values decoded by Rust."""
        return make(cls, (seconds, nanos))

    @classmethod
    def from_unix_nanos(cls, nanos: int) -> Timestamp:
        """The instant ``nanos`` nanoseconds after the epoch (negative before)."""
        seconds, rest = divmod(nanos, _NANOS_PER_SECOND)
        return cls(seconds, rest)

    @classmethod
    def from_datetime(cls, value: _dt.datetime) -> Timestamp:
        """The instant of an aware ``datetime`` (naive ones are refused)."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("Timestamp.from_datetime needs an aware datetime")
        delta = value - _EPOCH
        seconds = delta.days * _SECONDS_PER_DAY + delta.seconds
        return cls(seconds, delta.microseconds * 1_000)

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        """Reads the RFC 3339 form ``isoformat`` writes (UTC ``Z``, 0 to 9
        fractional digits, signed years beyond 9999, second 60 for a leap
        second). Other offsets are for the Rust parser: use ``from_json``."""
        match = _RFC3339.match(text)
        if match is None:
            raise ValueError(f"not an RFC 3339 UTC timestamp: {text!r}")
        year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
        fraction = match.group(7) or ""
        nanos = int(fraction.ljust(9, "0")) if fraction else 0
        if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second <= 60):
            raise ValueError(f"not a valid date and time: {text!r}")
        if second == 60:
            second, nanos = 59, nanos + _NANOS_PER_SECOND
        days = _days_from_civil(year, month, day)
        if _civil_from_days(days) != (year, month, day):
            raise ValueError(f"not a valid date: {text!r}")
        return cls(days * _SECONDS_PER_DAY + hour * 3_600 + minute * 60 + second, nanos)

    @property
    def unix_nanos(self) -> int:
        """Nanoseconds since the epoch. A leap second's nanoseconds run into
        the next second here, as they do in Unix time."""
        return self.seconds * _NANOS_PER_SECOND + self.nanos

    @property
    def datetime(self) -> _dt.datetime:
        """An aware UTC ``datetime``, truncated to microseconds (a leap second
        shows as 23:59:59.999999). Raises ValueError outside years 1..9999."""
        seconds, nanos = self  # one unpack: cheaper than two field reads
        micros = (nanos if nanos < _NANOS_PER_SECOND else _NANOS_PER_SECOND - 1) // 1_000
        try:
            fields = _calendar(seconds)
        except OverflowError:
            raise ValueError(
                f"{self} is outside the years a Python datetime can hold; use .seconds and .nanos"
            ) from None
        return _dt.datetime(*fields, micros, _UTC)

    def isoformat(self) -> str:
        """RFC 3339 exactly as chrono (and so serde) writes it: ``Z``, and 0,
        3, 6 or 9 fractional digits, the fewest that keep the value."""
        days, second_of_day = divmod(self.seconds, _SECONDS_PER_DAY)
        year, month, day = _civil_from_days(days)
        hour, rest = divmod(second_of_day, 3_600)
        minute, second = divmod(rest, 60)
        nanos = self.nanos
        if nanos >= _NANOS_PER_SECOND:
            second += 1
            nanos -= _NANOS_PER_SECOND
        year_text = f"{year:04d}" if 0 <= year <= 9999 else f"{year:+05d}"
        if nanos == 0:
            fraction = ""
        elif nanos % 1_000_000 == 0:
            fraction = f".{nanos // 1_000_000:03d}"
        elif nanos % 1_000 == 0:
            fraction = f".{nanos // 1_000:06d}"
        else:
            fraction = f".{nanos:09d}"
        return f"{year_text}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{fraction}Z"

    __str__ = isoformat

    def __repr__(self) -> str:
        return f"Timestamp.parse({self.isoformat()!r})"

    # Time order is the order of (seconds, nanos): the tuple's own.
    def __lt__(self, other: object) -> bool:
        return tuple.__lt__(self, _same(other))

    def __le__(self, other: object) -> bool:
        return tuple.__le__(self, _same(other))

    def __gt__(self, other: object) -> bool:
        return tuple.__gt__(self, _same(other))

    def __ge__(self, other: object) -> bool:
        return tuple.__ge__(self, _same(other))


def _same(other: object) -> Timestamp:
    if type(other) is not Timestamp:
        raise TypeError(f"cannot compare Timestamp with {type(other).__name__}")
    return other
