"""RFC 3339 timestamps as chrono's ``DateTime::parse_from_rfc3339`` reads them, to whole seconds and nanoseconds."""

import datetime
import re

RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))\Z", re.ASCII
)
DAY = 86_400
NANOS = 1_000_000_000


def parse(text: str) -> tuple[int, int] | None:
    """(seconds since 0001-01-01 UTC, nanoseconds), or None where chrono would refuse the text."""
    match = RFC3339.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    hour, minute, second = int(hour), int(minute), int(second)
    if hour > 23 or minute > 59 or second > 60:
        return None
    try:
        ordinal = datetime.date(int(year), int(month), int(day)).toordinal()
    except ValueError:
        return None
    nanos = int((fraction or "0")[:9].ljust(9, "0"))
    if second == 60:  # a leap second: chrono keeps it as 59 s and one more second of nanoseconds
        second, nanos = 59, nanos + NANOS
    offset = 0
    if not zulu:
        off_h, off_m = int(off_h), int(off_m)
        if off_h > 23 or off_m > 59:
            return None
        offset = (off_h * 3600 + off_m * 60) * (1 if sign == "+" else -1)
    return ordinal * DAY + hour * 3600 + minute * 60 + second - offset, nanos


def whole_days(start: tuple[int, int], end: tuple[int, int]) -> int:
    """chrono's ``(end - start).num_days()``: whole days, truncated toward zero."""
    total = (end[0] - start[0]) * NANOS + (end[1] - start[1])
    days = abs(total) // (DAY * NANOS)
    return days if total >= 0 else -days
