"""RFC 3339 timestamps as chrono's ``DateTime::parse_from_rfc3339`` reads them, to whole seconds and nanoseconds."""

import datetime
import re

RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))\Z", re.ASCII
)
DAY = 86_400
FROM_ISO = datetime.datetime.fromisoformat
ZERO = str.maketrans("123456789", "000000000")
SHAPE = "0000-00-0000:00:00"
NANOS = 1_000_000_000


def parse(text: str) -> tuple[int, int] | None:
    """(seconds since 0001-01-01 UTC, nanoseconds), or None where chrono would refuse the text."""
    length = len(text)
    # The common shapes (2024-03-05T09:00:00Z, 2024-03-05T09:00:00+08:00) through the C parser.
    if (
        ((length == 20 and text[19] == "Z") or (length == 25 and text[19] in "+-" and text[22] == ":"))
        and text[10] in "Tt "
        and text.isascii()
        and text[:10].translate(ZERO) + text[11:19].translate(ZERO) == SHAPE
    ):
        try:
            moment = FROM_ISO(text[:19])  # naive: validates the digits, the day of the month, 23:59:59
        except ValueError:
            pass  # a leap second, a wrong day: the exact path decides
        else:
            seconds = moment.toordinal() * DAY + moment.hour * 3600 + moment.minute * 60 + moment.second
            if length == 20:
                return seconds, 0
            hours, minutes = text[20:22], text[23:]
            if hours.isdigit() and minutes.isdigit() and hours <= "23" and minutes <= "59":
                offset = int(hours) * 3600 + int(minutes) * 60
                return (seconds - offset if text[19] == "+" else seconds + offset), 0
    return _parse_exactly(text)


def _parse_exactly(text: str) -> tuple[int, int] | None:
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
