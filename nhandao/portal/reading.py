"""One search box that understands what was typed: a name or words of the message, a
reference fragment, an amount ("500000", "500.000", "500k", "1,5tr", "1.5 triệu") or a date
("05/09/2024"), and says how it read the query ("Tìm số tiền 500.000 ₫ và tên hoặc lời nhắn
“nguyen van a”"). The advanced panel keeps its explicit conditions; they win over the box.

The rules, in order, for each word of the box:
- a date dd/mm/yyyy (or with - or .) → that day;
- a number with a unit (k, nghìn, tr, triệu, tỷ; a decimal comma or point before the unit:
  "1,5tr"), or a number followed by such a unit word, or grouped by thousands ("500.000",
  "1,500,000"), or digits ending in 000 ("500000"), with or without đ/₫/vnd → an amount;
- 3+ digits with letters or . / : - ("FT24256", "9001.10004"), or 6+ digits not ending in
  000 → a fragment of the bank's reference (also found at the start of a message word);
- 3–5 digits when the box holds no other words ("1227") → a fragment of the
  reference too: typed alone, a short number is a piece of the reference the donor sees in
  their bank's app, never a word of a message (issue #24); beside a name it stays a word;
- anything else → words of the name or message (accents and case ignored).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from nhandao.lib.text import fold

UNITS = {
    "k": 1_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "tr": 1_000_000,
    "trieu": 1_000_000,
    "m": 1_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
}
CURRENCY = ("vnd", "dong", "d", "₫")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_WITH_UNIT = re.compile(r"^(\d+(?:[.,]\d{1,3})?)(k|nghin|ngan|tr|trieu|m|ty|ti)$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d{1,3})?$")
_REFERENCE = re.compile(r"^[\w./:-]{3,60}$")
MAX_AMOUNT = 10**15


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


@dataclass
class Reading:
    words: list[str] = field(default_factory=list)  # as typed (folded by the search)
    amount: int | None = None
    day: date | None = None
    reference: str = ""

    def explain(self) -> str:
        """How the box was read, in words: "Tìm số tiền 500.000 ₫ và tên … “…”"."""
        parts = []
        if self.amount is not None:
            parts.append(f"số tiền {_vnd(self.amount)}")
        if self.day is not None:
            parts.append(f"ngày {self.day:%d/%m/%Y}")
        if self.reference:
            parts.append(f"số tham chiếu chứa “{self.reference}”")
        if self.words:
            parts.append(f"tên hoặc lời nhắn “{' '.join(self.words)}”")
        return ("Tìm " + " và ".join(parts) + ".") if parts else ""


def _number(text: str, unit: int) -> int | None:
    """ "1,5" × 1.000.000 → 1.500.000 (one or two decimals before a unit); "1.500" (a
    thousands point) × 1.000 → 1.500.000."""
    if unit > 1 and re.match(r"^\d+[.,]\d{1,2}$", text):
        value = Decimal(text.replace(",", ".")) * unit
        return int(value) if value == value.to_integral_value() else None
    digits = text.replace(".", "").replace(",", "")
    return int(digits) * unit if digits.isdigit() else None


def _amount(token: str, following: str) -> tuple[int | None, bool]:
    """(amount, whether the following word was its unit)."""
    plain = fold(token)
    for suffix in CURRENCY:
        if plain.endswith(suffix) and plain[: -len(suffix)][-1:].isdigit():
            plain = plain[: -len(suffix)]
            break
    match = _WITH_UNIT.match(plain)
    if match:
        return _number(match.group(1), UNITS[match.group(2)]), False
    unit = UNITS.get(fold(following).rstrip("."))
    if unit and _NUMBER.match(plain):
        return _number(plain, unit), True
    if _GROUPED.match(plain):
        return _number(plain, 1), False
    if plain.isdigit() and plain.endswith("000") and len(plain) <= 15:
        return int(plain), False
    return None, False


def amount_of(text: str) -> tuple[int | None, bool]:
    """An amount written alone ("500k", "0,5 tr", "500.000 đ"), as the box reads one."""
    tokens = text.split()
    if len(tokens) == 1:
        return _amount(tokens[0], "")
    if len(tokens) == 2:
        found, used = _amount(tokens[0], tokens[1])
        if found is not None and (used or fold(tokens[1]) in CURRENCY):
            return found, True
    return None, False


def _day(token: str) -> date | None:
    match = _DATE.match(token)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if 2000 <= year <= 2100 else None


def _is_reference(token: str) -> bool:
    if not _REFERENCE.match(token):
        return False
    digits = sum(c.isdigit() for c in token)
    letters = sum(c.isalpha() for c in token)
    marks = any(c in "./:-" for c in token)
    if digits >= 3 and (letters or marks):
        return True
    return token.isdigit() and len(token) >= 6


def _joined(tokens: list[str]) -> list[str]:
    """Digits typed in groups, as people copy a number from a screen or read it aloud:
    "5213 45946" → "521345946" (a reference), "500 000" → "500000" (an amount). Only runs of
    groups of 2–6 digits that make 6 digits or more are joined."""
    out, run = [], []

    def flush():
        if len(run) > 1 and len("".join(run)) >= 6:
            out.append("".join(run))
        else:
            out.extend(run)
        run.clear()

    for token in tokens:
        if token.isdigit() and 2 <= len(token) <= 6:
            run.append(token)
        else:
            flush()
            out.append(token)
    flush()
    return out


def read(text: str) -> Reading:
    reading = Reading()
    # "_" joins words as the wallets write them ("HUYNH_0901234567"): split as the stored
    # lines are (search.WORD_ON_LINE, the words indexes)
    tokens = _joined((text or "").replace("_", " ").split())
    skip = False
    for i, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        day = _day(token)
        if day is not None and reading.day is None:
            reading.day = day
            continue
        amount, used_next = _amount(token, following)
        if amount is not None and 0 < amount <= MAX_AMOUNT and reading.amount is None:
            reading.amount, skip = amount, used_next
            continue
        if fold(token) in CURRENCY and reading.amount is not None:
            continue  # "500.000 đ": the unit of the amount just read
        if _is_reference(token) and not reading.reference:
            reading.reference = token
            continue
        reading.words.append(token)
    short = reading.words[0] if len(reading.words) == 1 else ""
    if short.isdigit() and 3 <= len(short) <= 5 and not reading.reference:
        reading.reference, reading.words = short, []
    return reading
