"""How figures read, the same on every page, in the report and in exports.

Each formatter gives '–' for a figure that was not measured (None or NaN), never a default.
"""

from datetime import datetime

import pandas as pd

MISSING = "–"
# printf forms, for Python's % and a Streamlit table column's format alike.
SEVERITY_FORMAT = "SEV%d"
RATIO_FORMAT = "%.3g ×"  # how many times the usual level: 3.33 ×


def is_missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def duration_text(minutes: float | None) -> str:
    """Minutes as '45 min', '4 h 5 min', '3 h' or, from two days on, '2 d 4 h'."""
    if is_missing(minutes):
        return MISSING
    sign, total = ("−" if minutes < 0 else ""), round(abs(float(minutes)))
    if total < 60:
        return f"{sign}{total} min"
    if total < 48 * 60:
        hours, mins = divmod(total, 60)
        return f"{sign}{hours} h {mins} min" if mins else f"{sign}{hours} h"
    days, hours = divmod(round(total / 60), 24)
    return f"{sign}{days} d {hours} h" if hours else f"{sign}{days} d"


def count_text(value: object) -> str:
    """A count with thousands separators."""
    return MISSING if is_missing(value) else f"{int(value):,}"


def money_text(value: object) -> str:
    """An amount of MRR, whole units with thousands separators."""
    return MISSING if is_missing(value) else f"{float(value):,.0f}"


def text_or_missing(value: object) -> str:
    """A text as it is, or the missing-value mark for none."""
    return MISSING if is_missing(value) else str(value)


def times_normal_text(ratio: object) -> str:
    """How many times the usual level a figure stood at: '3.33 × normal'."""
    return MISSING if is_missing(ratio) else f"{RATIO_FORMAT % float(ratio)} normal"


def dollars_text(value: object) -> str:
    """An amount of MRR on a card: '$227,945', no cents (they say nothing at that size)."""
    return MISSING if is_missing(value) else f"${float(value):,.0f}"


def counted(value: object, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number: '1 account', '2,480 accounts', '– accounts'."""
    if is_missing(value):
        return f"{MISSING} {plural or noun + 's'}"
    return f"{int(value):,} {noun if int(value) == 1 else plural or noun + 's'}"


def signed_duration_words(minutes: float | None, later: str, earlier: str) -> str:
    """A signed duration in words, no minus sign: +322 -> '5 h 22 min {later}', -322 ->
    '5 h 22 min {earlier}', 0 -> 'at the same time'."""
    if is_missing(minutes):
        return MISSING
    if round(float(minutes)) == 0:
        return "at the same time"
    return f"{duration_text(abs(float(minutes)))} {later if minutes > 0 else earlier}"


def severity_label(severity: object) -> str:
    return "unknown" if is_missing(severity) else SEVERITY_FORMAT % int(severity)


def theme_label(theme: str) -> str:
    """A complaint theme (a signal such as trust_loss, or a symptom tag) as a person reads it."""
    return theme.replace("_", " ")


def at_text(moment: datetime | None, same_day_as: datetime | None = None) -> str:
    """A UTC time; only the clock when it falls on the day of `same_day_as`."""
    if is_missing(moment):
        return MISSING
    if same_day_as is not None and moment.date() == same_day_as.date():
        return f"{moment:%H:%M} UTC"
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def value_or_reason(value: object, text: str, reason: object) -> tuple[str, str | None]:
    """A card's (value, caption): `text` when the value was measured, else '–' with why it is
    empty in the caption, where a long reason has room (the tables' *_reason columns)."""
    if not is_missing(value):
        return text, None
    return MISSING, None if is_missing(reason) or not reason else str(reason)


def or_reason(value: object, text: str, reason: object) -> str:
    """`text` (the formatted value) when the value was measured, else why it is empty (the
    tables' *_reason columns), else '–'."""
    if not is_missing(value):
        return text
    return MISSING if is_missing(reason) or not reason else str(reason)
