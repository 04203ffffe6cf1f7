"""Money is an integer number of đồng. Formatting and parsing live here.

`parse_vnd` is the one amount parser of every import (statements, the registry's support
history, relief lists): it reads what Vietnamese and international spreadsheets write and
refuses, with the reason, what it would have to guess. Đồng has no cents, so a decimal part
is only accepted when it is ",00" / ".00"; a separator followed by exactly three digits is
always a thousands separator ("50,000" and "50.000" are both fifty thousand).
"""

import re

MAX_VND = 10**15  # a million billion đồng: above any real transfer, far below int64


class AmountError(ValueError):
    """The text is not an amount of đồng; the message says why, in Vietnamese."""


_CURRENCY = re.compile(r"(?i)\s*(vnđ|vnd|đồng|đ|₫)\s*$|^\s*(vnđ|vnd|₫)\s*")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_SHAPE = re.compile(r"^\d+([.,]\d+)*$")

# Styles a caller may impose when a whole file says how it writes numbers.
AUTO, DOT, COMMA = "auto", "dot", "comma"  # dot: 1.500.000,00 — comma: 1,500,000.00


def format_vnd(amount: int | None, symbol: bool = True) -> str:
    """1500000 → "1.500.000 ₫" (Vietnamese groups thousands with dots)."""
    if amount is None:
        return ""
    text = f"{int(amount):,}".replace(",", ".")
    return f"{text} ₫" if symbol else text


def parse_vnd(value, *, negative: bool = False, style: str = AUTO, maximum: int = MAX_VND) -> int:
    """An amount of đồng from a cell: "1.500.000", "1.500.000,00", "50,000", "400.000,00",
    "1500000", "1,500,000.00", "1 500 000 đ", or a number from a spreadsheet. Signs ("-",
    "+", accounting brackets) only when `negative`. AmountError with the reason otherwise."""
    if isinstance(value, bool):
        raise AmountError("Không phải số tiền.")
    if isinstance(value, int):
        return _bounded(value, negative, maximum)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise AmountError("Không phải số tiền.")
        if not value.is_integer():
            raise AmountError("Số tiền có phần lẻ: đồng không có xu.")
        if abs(value) > maximum:
            raise AmountError(_too_big(maximum))
        return _bounded(int(value), negative, maximum)
    text = _CURRENCY.sub("", str(value if value is not None else "")).strip()
    if not text:
        raise AmountError("Thiếu số tiền.")
    sign = 1
    if text.startswith("(") and text.endswith(")"):
        sign, text = -1, text[1:-1].strip()
    elif text[0] in "+-−":
        sign, text = (-1 if text[0] != "+" else 1), text[1:].strip()
    if sign < 0 and not negative:
        raise AmountError("Số tiền không được âm.")
    # Spaces group thousands ("1 500 000") only between groups of three digits.
    if _SPACES.search(text):
        parts = _SPACES.split(text)
        if not all(_SHAPE.match(p) for p in parts):
            raise AmountError("Không phải số tiền (chỉ gồm chữ số, dấu chấm, dấu phẩy).")
        if not all(p.isdigit() for p in parts) or any(len(p) != 3 for p in parts[1:]):
            raise AmountError("Khoảng trắng trong số tiền không đúng chỗ.")
        text = "".join(parts)
    if not _SHAPE.match(text):
        raise AmountError("Không phải số tiền (chỉ gồm chữ số, dấu chấm, dấu phẩy).")
    return _bounded(sign * _digits(text, style), negative, maximum)


def _digits(text: str, style: str) -> int:
    """The integer of a text of digits with '.' and ',' (shape already checked)."""
    seps = [ch for ch in text if ch in ".,"]
    if not seps:
        return int(text)
    integer, decimals = text, ""
    last = max(text.rfind("."), text.rfind(","))
    tail = text[last + 1 :]
    mark = text[last]
    # One or two digits after the last separator are decimals (zeros only: "50000.0" as
    # written by programs that store amounts as floats, "400.000,00"); three digits are a
    # thousands group; more is refused.
    if len(tail) == 3 and len(seps) == 1 and last > 3:
        # "50000.000": more than three digits before the one separator cannot be a group;
        # three decimals, zeros only, as some exports write them
        if tail.strip("0"):
            raise AmountError("Số tiền có phần lẻ (" + mark + tail + "): đồng không có xu.")
        return int(text[:last])
    if len(tail) != 3:
        if len(tail) > 3:
            raise AmountError("Nhóm chữ số sau dấu phân cách phải đủ 3 chữ số.")
        if tail.strip("0"):
            raise AmountError("Số tiền có phần lẻ (" + mark + tail + "): đồng không có xu.")
        integer, decimals = text[:last], tail
        seps = seps[:-1]
        if style == DOT and mark != ",":
            raise AmountError("Tệp ghi số kiểu 1.500.000,00: phần thập phân phải sau dấu phẩy.")
        if style == COMMA and mark != ".":
            raise AmountError("Tệp ghi số kiểu 1,500,000.00: phần thập phân phải sau dấu chấm.")
    if seps:
        group = set(seps)
        if len(group) > 1:
            raise AmountError("Dấu chấm và dấu phẩy lẫn lộn trong phần nghìn: không rõ cách đọc.")
        (group_mark,) = group
        if decimals and group_mark == mark:
            raise AmountError("Dấu phân cách nghìn và dấu thập phân giống nhau: không rõ cách đọc.")
        if style == DOT and group_mark != ".":
            raise AmountError("Tệp ghi số kiểu 1.500.000: nghìn phải phân cách bằng dấu chấm.")
        if style == COMMA and group_mark != ",":
            raise AmountError("Tệp ghi số kiểu 1,500,000: nghìn phải phân cách bằng dấu phẩy.")
        parts = re.split(r"[.,]", integer)
        if not 1 <= len(parts[0]) <= 3 or any(len(p) != 3 for p in parts[1:]):
            raise AmountError("Các nhóm nghìn phải đủ 3 chữ số (ví dụ 1.500.000).")
        integer = "".join(parts)
    if len(integer) > 19:
        raise AmountError(_too_big(MAX_VND))
    return int(integer)


def _bounded(amount: int, negative: bool, maximum: int) -> int:
    if amount < 0 and not negative:
        raise AmountError("Số tiền không được âm.")
    if abs(amount) > maximum:
        raise AmountError(_too_big(maximum))
    return amount


def _too_big(maximum: int) -> str:
    return f"Số tiền quá lớn (tối đa {format_vnd(maximum)})."


def parse_vnd_column(texts, **options):
    """parse_vnd over a polars Series of texts: (amounts Int64, reasons Utf8), null where
    the text is empty, or where it is read (reason null). Each distinct text is parsed once
    (a statement's 200,000 amounts have a few thousand distinct values)."""
    return _parse_column(texts, parse_vnd, AmountError, "Int64", options)


def _parse_column(texts, parse, error, dtype: str, options: dict):
    import polars as pl

    values, reasons = {}, {}
    for text in texts.unique().to_list():
        if text is None or not text.strip():
            continue
        try:
            values[text] = parse(text, **options)
        except error as exc:
            reasons[text] = str(exc)
    value = texts.replace_strict(values, default=None, return_dtype=getattr(pl, dtype))
    reason = texts.replace_strict(reasons, default=None, return_dtype=pl.Utf8)
    return value, reason
