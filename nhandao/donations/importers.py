"""Bank statement import: read (polars for CSV, python-calamine for XLSX), recognise the
layout, validate every row (Vietnamese messages naming row, column and reason), check the
running balance, then write all or nothing with set-based inserts.

    parsed = read_statement(data, filename, layout="auto", mapping=None)
    checked = validate(parsed, bank_account, campaign)      # errors, balance breaks, keys
    result = commit(statement, checked, actor)               # donors, lines, ledger, donations

Natural key of a line: (account, date, reference, direction, amount, n) where n counts the
same tuple earlier in the file (banks reuse a reference for several lines of a day); when a
line has no reference, (account, date, direction, amount, folded message, n). Re-importing a
file or an overlapping period therefore adds nothing.
"""

import csv
import hashlib
import io
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.db import connection, models, transaction
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.actions import record
from nhandao.donations.models import (
    Channel,
    Donation,
    Donor,
    StatementLine,
    StatementStatus,
)
from nhandao.lib.money import format_vnd
from nhandao.lib.text import fold

log = logging.getLogger(__name__)

FIELDS = [
    "date",
    "time",
    "reference",
    "debit",
    "credit",
    "amount",
    "balance",
    "description",
    "account",
]
FIELD_LABELS = {
    "date": "ngày",
    "time": "giờ",
    "reference": "số tham chiếu",
    "debit": "ghi nợ",
    "credit": "ghi có",
    "amount": "số tiền",
    "balance": "số dư",
    "description": "nội dung",
    "account": "số tài khoản",
}
MAX_ERRORS_KEPT = 5000


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    columns: dict  # field → column header in the file
    unsigned_amount: bool = False  # the amount has no sign: direction read from the message


LAYOUTS = {
    "vcb": Layout(
        "vcb",
        "Vietcombank (page, date, doc_no, debit_vnd, credit_vnd, details)",
        {
            "date": "date",
            "reference": "doc_no",
            "debit": "debit_vnd",
            "credit": "credit_vnd",
            "description": "details",
        },
    ),
    "agribank": Layout(
        "agribank",
        "Agribank (có số dư balance_vnd)",
        {
            "date": "date",
            "time": "time",
            "reference": "ref_no",
            "debit": "debit_vnd",
            "credit": "credit_vnd",
            "balance": "balance_vnd",
            "description": "details",
        },
    ),
    "unified": Layout(
        "unified",
        "Mẫu hợp nhất (row_id, bank, account_no, …, amount_vnd)",
        {
            "date": "date",
            "amount": "amount_vnd",
            "description": "description",
            "account": "account_no",
        },
        unsigned_amount=True,
    ),
}
# Columns that identify a built-in layout (all must be present in the header).
SIGNATURES = {
    "agribank": {"date", "ref_no", "debit_vnd", "credit_vnd", "balance_vnd", "details"},
    "vcb": {"page", "date", "doc_no", "debit_vnd", "credit_vnd", "details"},
    "unified": {"row_id", "bank", "account_no", "date", "amount_vnd", "description"},
}
# Outgoing lines in a layout whose amounts carry no sign (fees, transfers to provinces).
OUTGOING_RE = (
    r"(?i)^\s*(thu phi|phi dich vu|tra phi|chuyen khoan ?chuyen tien theo|chuyen tien theo q)"
)


class StatementError(Exception):
    """The file as a whole cannot be read (message in Vietnamese)."""


@dataclass
class Parsed:
    frame: pl.DataFrame  # one Utf8 column per mapped field + row_no
    layout: Layout
    header_row: int
    filename: str
    checksum: str
    number_format: str = "auto"


@dataclass
class Checked:
    parsed: Parsed
    rows: pl.DataFrame  # valid rows with parsed values
    errors: list = field(default_factory=list)  # {row, column, reason, values}
    balance_breaks: list = field(default_factory=list)
    lines: int = 0
    credit_lines: int = 0
    debit_lines: int = 0
    credits_total: int = 0
    debits_total: int = 0
    opening_balance: int | None = None
    closing_balance: int | None = None
    rejected_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading -------------------------------------------------------------------------------


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return (
            value.isoformat()[:10]
            if not hasattr(value, "hour") or (value.hour == value.minute == value.second == 0)
            else value.isoformat(sep=" ")
        )
    return str(value).strip()


def _sheet_rows(data: bytes) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for every bad workbook
        raise StatementError(
            "Tệp XLSX bị hỏng, có mật khẩu hoặc không phải bảng tính; hãy lưu lại dưới dạng "
            ".xlsx không mật khẩu hoặc .csv."
        ) from exc
    return [[_cell_text(v) for v in row] for row in rows]


def _norm_header(text: str) -> str:
    return fold(text).replace(" ", "_")


def _find_header(rows: list[list[str]], wanted: set[str] | None) -> tuple[int, str | None]:
    """(index of the header row, built-in layout name or None) among the first 30 rows."""
    for index, row in enumerate(rows[:30]):
        names = {_norm_header(c) for c in row if c}
        if wanted is None:
            for name, signature in SIGNATURES.items():
                if signature <= names:
                    return index, name
        elif wanted and wanted <= names:
            return index, None
    return -1, None


def read_statement(
    data: bytes,
    filename: str,
    layout: str = "auto",
    mapping: dict | None = None,
    header_row: int | None = None,
    number_format: str = "auto",
) -> Parsed:
    """Read a CSV or XLSX statement into a frame of text columns named after FIELDS."""
    if not data or not data.strip():
        raise StatementError("Tệp rỗng: không có dòng nào.")
    is_xlsx = data[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xls", ".xlsm"))
    if is_xlsx:
        rows = _sheet_rows(data)
        head_lines = rows[:30]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StatementError("Tệp CSV phải mã hóa UTF-8.") from exc
        head_lines = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:30]))))
    if mapping:
        columns = {k: v for k, v in mapping.items() if v and k in FIELDS}
        chosen = Layout("custom", "Ánh xạ cột tự chọn", columns)
        wanted = {_norm_header(v) for v in columns.values()}
        if header_row:
            index = header_row - 1
        else:
            index, _ = _find_header(head_lines, wanted)
        if index < 0 or index >= len(head_lines):
            raise StatementError("Không tìm thấy dòng tiêu đề chứa các cột đã chọn.")
        present = {_norm_header(c) for c in head_lines[index]}
        missing = [
            f"{FIELD_LABELS[k]} (“{v}”)"
            for k, v in columns.items()
            if _norm_header(v) not in present
        ]
        if missing:
            raise StatementError("Thiếu cột: " + ", ".join(missing) + ".")
    else:
        index, found = _find_header(head_lines, None)
        if layout not in ("", "auto"):
            if layout not in LAYOUTS:
                raise StatementError(f"Không có mẫu sao kê “{layout}”.")
            if found != layout:
                expected = ", ".join(sorted(SIGNATURES[layout]))
                raise StatementError(
                    f"Tệp không đúng mẫu “{LAYOUTS[layout].label}”: cần các cột {expected}."
                )
        if found is None:
            raise StatementError(
                "Không nhận ra mẫu sao kê (Vietcombank, Agribank, mẫu hợp nhất). Hãy chọn "
                "“Ánh xạ cột” và chỉ rõ cột ngày, số tiền, nội dung."
            )
        chosen = LAYOUTS[found]
    if (
        "date" not in chosen.columns
        or "description" not in chosen.columns
        or not (
            "amount" in chosen.columns or "credit" in chosen.columns or "debit" in chosen.columns
        )
    ):
        raise StatementError("Cần ít nhất các cột: ngày, nội dung và số tiền (hoặc ghi nợ/ghi có).")

    if is_xlsx:
        header = [_norm_header(c) for c in rows[index]]
        body = rows[index + 1 :]
        width = len(header)
        body = [(r + [""] * width)[:width] for r in body]
        frame = pl.DataFrame(body, schema=[f"c{i}" for i in range(width)], orient="row")
        frame.columns = _unique(header)
    else:
        try:
            frame = pl.read_csv(
                io.BytesIO(text.encode()),
                skip_rows=index,
                infer_schema=False,
                truncate_ragged_lines=True,
            )
        except Exception as exc:  # polars reports malformed CSV with its own error types
            raise StatementError(f"Tệp CSV không đọc được: {exc}") from exc
        frame.columns = _unique([_norm_header(c) for c in frame.columns])
    offset = index + 2  # file row number (1-based) of the first data row
    selected = [pl.int_range(offset, offset + frame.height, dtype=pl.Int64).alias("row_no")]
    for name in FIELDS:
        source = chosen.columns.get(name)
        if source:
            selected.append(
                pl.col(_norm_header(source))
                .cast(pl.Utf8)
                .fill_null("")
                .str.strip_chars()
                .alias(name)
            )
        else:
            selected.append(pl.lit("").alias(name))
    frame = frame.select(selected)
    # Rows that are entirely empty (trailing lines of a sheet) are not lines.
    frame = frame.filter(pl.concat_str([pl.col(n) for n in FIELDS]) != "")
    return Parsed(
        frame=frame,
        layout=chosen,
        header_row=index + 1,
        filename=filename,
        checksum=checksum(data),
        number_format=number_format,
    )


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name or "col"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


# --- values --------------------------------------------------------------------------------

VN_GROUPED = r"^-?\d{1,3}(\.\d{3})+(,\d+)?$"  # 1.000.000 or 400.000,00
US_GROUPED = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$"  # 50,000 or 50,000.00
PLAIN = r"^-?\d+([.,]0+)?$"  # 50000, 50000.0, 50000,00
VN_DECIMAL = r"^-?\d+,\d+$"
US_DECIMAL = r"^-?\d+\.\d+$"


def _amount_expr(name: str, number_format: str) -> pl.Expr:
    """Text → integer đồng (None when unreadable). Minor units must be zero."""
    s = (
        pl.col(name)
        .str.replace_all(r"(?i)\s|vnd|vnđ|đ", "")
        .str.replace(r"^\+", "")
        .str.replace(r"^\((.*)\)$", "-$1")
    )
    dots_thousands = s.str.replace_all(r"\.", "").str.replace(r",0+$", "")
    commas_thousands = s.str.replace_all(",", "").str.replace(r"\.0+$", "")
    plain = s.str.replace(r"[.,]0+$", "")
    if number_format == "dot":  # "1.000.000" / "400.000,00"
        out = pl.when(s.str.contains(r"^-?[\d.]+(,0+)?$")).then(dots_thousands)
    elif number_format == "comma":  # "50,000" / "50,000.00"
        out = pl.when(s.str.contains(r"^-?[\d,]+(\.0+)?$")).then(commas_thousands)
    else:
        out = (
            pl.when(s.str.contains(VN_GROUPED))
            .then(dots_thousands)
            .when(s.str.contains(US_GROUPED))
            .then(commas_thousands)
            .when(s.str.contains(PLAIN))
            .then(plain)
        )
    return out.otherwise(None).cast(pl.Int64, strict=False)


def _date_expr(name: str) -> pl.Expr:
    s = pl.col(name).str.slice(0, 10)
    return pl.coalesce(
        s.str.to_date("%Y-%m-%d", strict=False),
        s.str.to_date("%d/%m/%Y", strict=False),
        s.str.to_date("%d-%m-%Y", strict=False),
        s.str.to_date("%d.%m.%Y", strict=False),
    )


def _fold_map() -> tuple[list[str], list[str]]:
    sources, targets = [], []
    for code in range(0xC0, 0x1F00):
        ch = chr(code)
        if not ch.isalpha() or ch != ch.lower():
            continue
        folded = fold(ch)
        if folded != ch and len(folded) == 1:
            sources.append(ch)
            targets.append(folded)
    return sources, targets


FOLD_FROM, FOLD_TO = _fold_map()


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """lib.text.search_key() in polars (same result on Vietnamese text, vectorised): precomposed
    letters through a table, combining marks of decomposed text dropped, punctuation to
    spaces, spaces collapsed. Plain ASCII patterns keep it fast (about 1 s per million)."""
    return (
        expr.str.to_lowercase()
        .str.replace_many(FOLD_FROM, FOLD_TO)
        .str.replace_all(r"[\u0300-\u036f]+", "")
        .str.replace_all(r"[^\w ]+", " ")
        .str.replace_all(r" {2,}", " ")
        .str.strip_chars()
    )


# --- donor names in transfer messages ------------------------------------------------------

SURNAMES = set(
    [
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "dinh",
        "dao",
        "doan",
        "trinh",
        "truong",
        "lam",
        "luong",
        "mai",
        "ha",
        "cao",
        "ta",
        "trieu",
        "chu",
        "luu",
        "kieu",
        "quach",
        "tong",
        "thai",
        "vuong",
        "la",
        "phung",
        "to",
        "tang",
        "lai",
        "khuat",
        "nghiem",
        "ong",
        "van",
        "thach",
        "au",
        "lu",
        "quan",
        "giang",
        "diep",
        "tieu",
        "tu",
        "ton",
        "mac",
        "nong",
        "son",
        "hua",
        "an",
        "bach",
        "chau",
        "dam",
        "dong",
        "hau",
        "khong",
        "kim",
        "lac",
        "lo",
        "loc",
        "lang",
        "ma",
        "nham",
        "ninh",
        "nhu",
        "quang",
        "sam",
        "tao",
        "thieu",
        "trang",
        "uong",
        "vi",
        "yen",
        "hong",
        "bien",
        "cu",
        "danh",
        "hoa",
        "khuc",
        "lieu",
        "man",
        "phi",
        "phuong",
        "tat",
    ]
)
SURNAMES_LIST = sorted(SURNAMES)
CT_RE = r"(?i)CT tu (\d{6,20}) ([^\d]{4,60}?) toi \d"
PREFIX_RE = r"^(?:(?:[A-Za-z]{2,8}|\d{2,}|\d{2}/\d{2}/\d{4})[.\-]\s*)+"
LEAD_NAME_RE = (
    r"(?i)^([A-Za-zÀ-ỹĐđ]+(?: [A-Za-zÀ-ỹĐđ]+){1,4}?)\s*(?:[-,.]\s*)?"
    r"(?:chuyen tien|chuyen khoan|chuyển tiền|chuyển khoản|ung ho|ủng hộ|ung ho|"
    r"gui|gửi|ck|quyen gop|quyên góp|dung zalopay)\b"
)


def plausible_name(candidate: pl.Expr) -> pl.Expr:
    """A person's name as written (title case when all capitals), or "" when unlikely: two to
    five words of letters, the first a Vietnamese family name."""
    first = fold_expr(candidate.str.extract(r"^(\S+)", 1).fill_null(""))
    ok = candidate.str.contains(r"^[^\W\d_]+(?: [^\W\d_]+){1,4}$") & first.is_in(SURNAMES_LIST)
    shown = (
        pl.when(candidate == candidate.str.to_uppercase())
        .then(candidate.str.to_titlecase())
        .otherwise(candidate)
    )
    return pl.when(ok).then(shown).otherwise(pl.lit(""))


# --- validation ----------------------------------------------------------------------------


def vnd(amount: int) -> str:
    return format_vnd(amount, symbol=False)


def _error(row, column, reason, values=None):
    return {"row": int(row), "column": column, "reason": reason, "values": values or {}}


def validate(parsed: Parsed, bank_account, campaigns=()) -> Checked:
    """Check every row; compute directions, amounts, keys, donors, campaigns."""
    f = parsed.frame
    cols = parsed.layout.columns
    fmt = parsed.number_format
    f = f.with_columns(
        _date_expr("date").alias("d"),
        _amount_expr("debit", fmt).alias("debit_v"),
        _amount_expr("credit", fmt).alias("credit_v"),
        _amount_expr("amount", fmt).alias("amount_v"),
        _amount_expr("balance", fmt).alias("balance_v"),
    )
    errors: list[dict] = []
    raw_cols = [
        "date",
        "time",
        "reference",
        "debit",
        "credit",
        "amount",
        "balance",
        "description",
        "account",
    ]
    label = {k: cols.get(k, FIELD_LABELS[k]) for k in FIELD_LABELS}

    def add(mask: pl.Expr, column: str, reason: str):
        bad = f.filter(mask).select(["row_no", *raw_cols])
        for row in bad.iter_rows(named=True):
            values = {cols[k]: row[k] for k in raw_cols if k in cols}
            errors.append(_error(row["row_no"], label[column], reason, values))

    add(pl.col("date") == "", "date", "Thiếu ngày giao dịch.")
    add(
        (pl.col("date") != "") & pl.col("d").is_null(),
        "date",
        "Ngày không đọc được (dùng dd/mm/yyyy hoặc yyyy-mm-dd).",
    )
    for name in ("debit", "credit", "amount", "balance"):
        if name in cols:
            add(
                (pl.col(name) != "") & pl.col(f"{name}_v").is_null(),
                name,
                "Số tiền không đọc được (ví dụ hợp lệ: 1.000.000 hoặc 50,000 hoặc 400.000,00).",
            )

    if "amount" in cols:
        signed = pl.col("amount_v")
        if parsed.layout.unsigned_amount:
            outgoing = fold_expr(pl.col("description")).str.contains(OUTGOING_RE)
            signed = pl.when(outgoing).then(-pl.col("amount_v")).otherwise(pl.col("amount_v"))
        f = f.with_columns(signed.alias("signed"))
        add(pl.col("amount") == "", "amount", "Thiếu số tiền.")
        add(pl.col("amount_v") == 0, "amount", "Số tiền bằng 0.")
        if parsed.layout.unsigned_amount:
            add(pl.col("amount_v") < 0, "amount", "Số tiền âm trong cột không mang dấu.")
    else:
        f = f.with_columns(
            (pl.col("credit_v").fill_null(0) - pl.col("debit_v").fill_null(0)).alias("signed")
        )
        has_debit, has_credit = pl.col("debit") != "", pl.col("credit") != ""
        both = (
            has_debit
            & has_credit
            & (pl.col("debit_v").fill_null(0) != 0)
            & (pl.col("credit_v").fill_null(0) != 0)
        )
        add(both, "credit", "Dòng có cả số ghi nợ và số ghi có.")
        add(
            ~has_debit & ~has_credit,
            "credit" if "credit" in cols else "debit",
            "Thiếu số tiền (cả ghi nợ và ghi có đều trống).",
        )
        add(
            (pl.col("credit_v") < 0) | (pl.col("debit_v") < 0),
            "credit" if "credit" in cols else "debit",
            "Số tiền âm.",
        )
        readable = ~(
            (has_debit & pl.col("debit_v").is_null()) | (has_credit & pl.col("credit_v").is_null())
        )
        add(
            (has_debit | has_credit) & readable & ~both & (pl.col("signed") == 0),
            "credit" if "credit" in cols else "debit",
            "Số tiền bằng 0.",
        )

    if "account" in cols:
        digits = pl.col("account").str.replace_all(r"\D", "")
        add(
            digits != bank_account.number,
            "account",
            f"Dòng của tài khoản khác, không phải tài khoản {bank_account.number}.",
        )

    # Exact duplicates of a line that carries a reference.
    if "reference" in cols:
        key_cols = [
            "date",
            "time",
            "reference",
            "debit",
            "credit",
            "amount",
            "balance",
            "description",
        ]
        dup = (
            f.filter(pl.col("reference") != "")
            .with_columns(pl.col("row_no").min().over(key_cols).alias("first_row"))
            .filter(pl.col("row_no") != pl.col("first_row"))
        )
        for row in dup.select(["row_no", "first_row", *raw_cols]).iter_rows(named=True):
            values = {cols[k]: row[k] for k in raw_cols if k in cols}
            errors.append(
                _error(
                    row["row_no"],
                    label["reference"],
                    f"Dòng trùng lặp với dòng {row['first_row']}.",
                    values,
                )
            )

    # Running balance: balance = previous balance + credit − debit.
    breaks = []
    opening = closing = None
    if "balance" in cols:
        b = f.select(["row_no", "signed", "balance_v", "reference"]).with_columns(
            pl.col("balance_v").shift(1).alias("prev")
        )
        gaps = b.filter(
            pl.col("prev").is_not_null()
            & pl.col("balance_v").is_not_null()
            & (pl.col("prev") + pl.col("signed").fill_null(0) != pl.col("balance_v"))
        )
        for row in gaps.iter_rows(named=True):
            implied = row["balance_v"] - row["prev"]
            breaks.append(
                {
                    "row": row["row_no"],
                    "reference": row["reference"],
                    "previous_balance": row["prev"],
                    "balance": row["balance_v"],
                    "amount_in_file": row["signed"] or 0,
                    "implied_amount": implied,
                    "reason": (
                        f"Số dư không liên tục: số dư trước {vnd(row['prev'])} + số tiền "
                        f"{vnd(row['signed'] or 0)} ≠ số dư {vnd(row['balance_v'])}; theo số "
                        f"dư, số tiền của dòng là {vnd(implied)} đồng."
                    ),
                }
            )
            errors.append(_error(row["row_no"], label["balance"], breaks[-1]["reason"]))
        first = b.filter(pl.col("balance_v").is_not_null()).head(1)
        if first.height:
            opening = first["balance_v"][0] - (first["signed"][0] or 0)
            closing = b.filter(pl.col("balance_v").is_not_null())["balance_v"][-1]

    errors.sort(key=lambda e: (e["row"], e["column"]))
    bad_rows = {e["row"] for e in errors}
    good = f.filter(~pl.col("row_no").is_in(list(bad_rows))) if bad_rows else f
    good = good.with_columns(
        pl.when(pl.col("signed") > 0).then(pl.lit("C")).otherwise(pl.lit("D")).alias("direction"),
        pl.col("signed").abs().alias("value"),
    )
    credits = good.filter(pl.col("direction") == "C")
    debits = good.filter(pl.col("direction") == "D")
    checked = Checked(
        parsed=parsed,
        rows=good,
        errors=errors,
        balance_breaks=breaks,
        lines=f.height,
        credit_lines=credits.height,
        debit_lines=debits.height,
        credits_total=int(credits["value"].sum() or 0),
        debits_total=int(debits["value"].sum() or 0),
        opening_balance=opening,
        closing_balance=closing,
        rejected_rows=len(bad_rows),
    )
    if not errors:
        _refuse_late_lines(checked, bank_account, campaigns)
    return checked


def _refuse_late_lines(checked: Checked, bank_account, campaigns) -> None:
    """Assign each credit line to a campaign and refuse those past the receiving deadline."""
    rows = _with_keys_and_campaigns(checked.rows, bank_account, campaigns)
    checked.rows = rows
    by_id = {c.pk: c for c in campaigns if c is not None}
    late = rows.filter(pl.col("late"))
    for row in late.select(["row_no", "campaign_id", "d"]).iter_rows(named=True):
        reason = by_id[row["campaign_id"]].refusal_for(row["d"])
        checked.errors.append(_error(row["row_no"], checked.parsed.layout.columns["date"], reason))
    if checked.errors:
        checked.rejected_rows = len({e["row"] for e in checked.errors})


def _with_keys_and_campaigns(rows: pl.DataFrame, bank_account, campaigns) -> pl.DataFrame:
    rows = rows.with_columns(fold_expr(pl.col("description")).alias("description_key"))
    # n = how many lines with the same key came earlier in the file; the message is part of
    # the key only when there is no reference.
    account = bank_account.number
    day, value = pl.col("d").cast(pl.Utf8), pl.col("value").cast(pl.Utf8)
    by_reference = pl.concat_str(
        [pl.lit(f"r|{account}|"), day, pl.lit("|"), pl.col("reference"), pl.lit("|"),
         pl.col("direction"), pl.lit("|"), value]
    )  # fmt: skip
    by_text = pl.concat_str(
        [pl.lit(f"t|{account}|"), day, pl.lit("|"), pl.col("direction"), pl.lit("|"), value,
         pl.lit("|"), pl.col("description_key")]
    )  # fmt: skip
    rows = rows.with_columns(
        pl.when(pl.col("reference") != "").then(by_reference).otherwise(by_text).alias("key0")
    )
    rows = rows.with_columns(
        pl.concat_str(
            [pl.col("key0"), pl.lit("|"), pl.int_range(pl.len()).over("key0").cast(pl.Utf8)]
        ).alias("key_text")
    )
    # Campaign: the memo in the message wins, then the statement's/account's campaign.
    default, memo_campaigns = None, []
    for campaign in campaigns:
        if campaign is None:
            continue
        if campaign.transfer_memo:
            memo_campaigns.append(campaign)
        if default is None and getattr(campaign, "_is_default", False):
            default = campaign
    nospace = pl.col("description_key").str.replace_all(" ", "")
    expr = pl.lit(default.pk if default else None, dtype=pl.Int64)
    launch = pl.lit(default.launch_date if default else None, dtype=pl.Date)
    for campaign in reversed(memo_campaigns):
        memo = fold(campaign.transfer_memo).replace(" ", "")
        hit = nospace.str.contains(memo, literal=True)
        expr = pl.when(hit).then(pl.lit(campaign.pk, dtype=pl.Int64)).otherwise(expr)
        launch = pl.when(hit).then(pl.lit(campaign.launch_date)).otherwise(launch)
    rows = rows.with_columns(expr.alias("campaign_id"), launch.alias("launch"))
    # Before a campaign's launch a credit belongs to the organisation's general fund.
    rows = rows.with_columns(
        pl.when(
            (pl.col("direction") == "C")
            & pl.col("launch").is_not_null()
            & (pl.col("d") >= pl.col("launch"))
        )
        .then(pl.col("campaign_id"))
        .otherwise(None)
        .alias("campaign_id")
    )
    closes = {c.pk: c.receiving_closes_on() for c in campaigns if c is not None}
    late = pl.lit(False)
    for pk, day in closes.items():
        if day is not None:
            late = late | ((pl.col("campaign_id") == pk) & (pl.col("d") > pl.lit(day)))
    rows = rows.with_columns(late.alias("late"))
    # Donor: "CT tu <account> <NAME> toi …" gives name and account; else a leading name.
    stripped = pl.col("description").str.replace(PREFIX_RE, "")
    rows = rows.with_columns(
        pl.col("description").str.extract(CT_RE, 1).fill_null("").alias("donor_account"),
        pl.col("description")
        .str.extract(CT_RE, 2)
        .fill_null("")
        .str.strip_chars()
        .alias("ct_name"),
        stripped.str.extract(LEAD_NAME_RE, 1).fill_null("").str.strip_chars().alias("lead_name"),
    )
    rows = rows.with_columns(
        plausible_name(pl.col("ct_name")).alias("ct_ok"),
        plausible_name(pl.col("lead_name")).alias("lead_ok"),
    )
    rows = rows.with_columns(
        pl.when(pl.col("ct_ok") != "")
        .then(pl.col("ct_ok"))
        .otherwise(pl.col("lead_ok"))
        .alias("donor_name"),
        pl.when(pl.col("ct_ok") != "")
        .then(pl.col("donor_account"))
        .otherwise(pl.lit(""))
        .alias("donor_account"),
    )
    sha1 = hashlib.sha1
    keys = [sha1(text.encode()).hexdigest() for text in rows["key_text"].to_list()]  # noqa: S324
    return rows.with_columns(pl.Series("natural_key", keys, dtype=pl.Utf8))


# --- writing -------------------------------------------------------------------------------

LINE_COLUMNS = [
    "bank_account_id",
    "statement_id",
    "natural_key",
    "row_no",
    "booked_on",
    "booked_time",
    "reference",
    "direction",
    "amount",
    "balance",
    "description",
    "description_key",
    "donor_name",
    "campaign_id",
]
DONOR_COLUMNS = [
    "organisation_id",
    "kind",
    "name",
    "name_key",
    "account_no",
    "phone",
    "code",
    "email",
    "address",
    "consent_publish",
    "identity_key",
    "created_at",
]


def _progress(statement, percent: int, note: str) -> None:
    type(statement).objects.filter(pk=statement.pk).update(progress=percent, progress_note=note)


def commit(statement, checked: Checked, actor=None) -> dict:
    """Write the checked rows all or nothing; fills the statement's counts."""

    bank_account = statement.bank_account
    org = bank_account.organisation
    now = timezone.now()
    statement.lines = checked.lines
    statement.credit_lines = checked.credit_lines
    statement.debit_lines = checked.debit_lines
    statement.credits_total = checked.credits_total
    statement.debits_total = checked.debits_total
    statement.opening_balance = checked.opening_balance
    statement.closing_balance = checked.closing_balance
    statement.balance_breaks = checked.balance_breaks
    statement.layout = checked.parsed.layout.name
    statement.rejected = checked.rejected_rows
    if not checked.ok:
        statement.errors = checked.errors[:MAX_ERRORS_KEPT]
        statement.status = StatementStatus.REJECTED
        statement.added = statement.already_present = 0
        statement.finished_at = now
        statement.progress = 100
        statement.save()
        return statement.summary()

    rows = checked.rows
    _progress(statement, 60, "Đang ghi vào sổ")
    clock = [time.perf_counter()]
    timings = {}

    def lap(name):
        clock.append(time.perf_counter())
        timings[name] = round(clock[-1] - clock[-2], 2)

    if connection.vendor == "sqlite":
        # A bigger page cache for this connection: the lines, entries and donations of a large
        # file touch many index pages (the default 2 MB cache makes the inserts superlinear).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    with transaction.atomic():
        if connection.vendor == "postgresql" and rows.height > 5000:
            # Let GIN (trigram) indexes on the lines collect a large file in their pending
            # list and merge it once, instead of flushing every 4 MB.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL gin_pending_list_limit = '256MB'")
                cursor.execute("SET LOCAL work_mem = '256MB'")
        if rows.height:
            low, high = rows["d"].min(), rows["d"].max()
            existing = set(
                StatementLine.objects.filter(
                    bank_account=bank_account, booked_on__range=(low, high)
                ).values_list("natural_key", flat=True)
            )
        else:
            existing = set()
        present = (
            rows["natural_key"].is_in(list(existing))
            if existing
            else pl.repeat(False, rows.height, eager=True)
        )
        new = rows.filter(~present)
        statement.already_present = rows.height - new.height
        statement.added = new.height
        new = new.sort(["d", "row_no"])
        new_credits = new.filter(pl.col("direction") == "C")
        statement.matched = int(new_credits["campaign_id"].is_not_null().sum())
        statement.unmatched = new_credits.height - statement.matched

        lap("existing_keys")
        # Donors: one per (name, account) seen, reusing those already in the book.
        donor_rows = new_credits.filter(
            (pl.col("donor_name") != "") & (pl.col("donor_account") != "")
        )
        # models.identity_key() in polars: "<folded name>|a:<account>".
        donor_rows = donor_rows.with_columns(
            fold_expr(pl.col("donor_name")).alias("donor_name_key"),
        ).with_columns(
            pl.concat_str([pl.col("donor_name_key"), pl.lit("|a:"), pl.col("donor_account")])
            .str.slice(0, 255)
            .alias("donor_key")
        )
        known = set(
            Donor.objects.filter(organisation=org)
            .exclude(identity_key="")
            .values_list("identity_key", flat=True)
        )
        fresh = donor_rows.filter(~pl.col("donor_key").is_in(list(known))).unique(
            "donor_key", keep="first", maintain_order=True
        )
        ledger.insert_rows(
            Donor._meta.db_table,
            DONOR_COLUMNS,
            [
                (
                    org.pk,
                    "individual",
                    name,
                    name_key,
                    acct,
                    "",
                    "",
                    "",
                    "",
                    False,
                    key,
                    connection.ops.adapt_datetimefield_value(now),
                )
                for name, name_key, acct, key in fresh.select(
                    ["donor_name", "donor_name_key", "donor_account", "donor_key"]
                ).iter_rows()
            ],
        )
        key_by_row = dict(
            zip(donor_rows["natural_key"].to_list(), donor_rows["donor_key"].to_list(), strict=True)
        )

        lap("donors")
        # Lines (credits and debits).
        lines = new.select(
            pl.lit(bank_account.pk).alias("bank_account_id"),
            pl.lit(statement.pk).alias("statement_id"),
            "natural_key",
            "row_no",
            pl.col("d").cast(pl.Utf8),
            pl.col("time").str.slice(0, 8),
            pl.col("reference").str.slice(0, 60),
            "direction",
            "value",
            "balance_v",
            "description",
            "description_key",
            pl.col("donor_name").str.slice(0, 200),
            "campaign_id",
        )
        ledger.insert_rows_staged(StatementLine._meta.db_table, LINE_COLUMNS, lines.rows())

        if connection.vendor == "postgresql" and rows.height > 5000:
            _merge_gin_pending(StatementLine._meta.db_table)
        lap("lines")
        # Ledger entries, chained per fund account, and the staging rows that link them.
        staging = []
        for campaign_id, part in new_credits.group_by("campaign_id", maintain_order=True):
            campaign_id = campaign_id[0]
            account = ledger.account_for(org, _campaign(campaign_id))
            items = [
                (d, value, f"Chuyển khoản: {name or 'không rõ tên'}"[:255], f"stmt:{key}")
                for d, value, name, key in part.select(
                    ["d", "value", "donor_name", "natural_key"]
                ).iter_rows()
            ]
            entry_rows = ledger.append_many(account, items, actor=actor)
            for (_, _, _, key), entry in zip(items, entry_rows, strict=True):
                natural = key[5:]
                staging.append((natural, account.pk, entry[1], key_by_row.get(natural, "")))
        lap("ledger")
        _insert_donations(statement, bank_account, org, staging, actor, now)
        lap("donations")
        statement.errors = []
        statement.status = StatementStatus.DONE
        statement.progress = 100
        statement.progress_note = f"Đã ghi {len(staging)} khoản ủng hộ"
        statement.finished_at = timezone.now()
        statement.save()
        record(
            actor,
            "statement.import",
            statement,
            organisation=org,
            after={
                "filename": statement.filename,
                "checksum": statement.checksum,
                **statement.summary(),
            },
        )
    lap("commit")
    log.info("statement %s import phases (s): %s", statement.pk, timings)
    return statement.summary()


def _merge_gin_pending(table: str) -> None:
    """Merge the pending lists of the table's GIN indexes now, in the import, so searches
    right after a large import stay fast (and the measured time is the whole cost)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class c "
            "ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [table],
        )
        for (name,) in cursor.fetchall():
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])


def _campaign(pk):
    if pk is None:
        return None
    from nhandao.campaigns.models import Campaign

    return Campaign.objects.get(pk=pk)


def _insert_donations(statement, bank_account, org, staging, actor, now) -> None:
    """Donations for the new credit lines in one INSERT … SELECT joining lines and entries."""
    if not staging:
        return
    table = f"donation_staging_{statement.pk}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMP TABLE {table} (natural_key varchar(40), "  # noqa: S608
            "ledger_account_id bigint, seq bigint, donor_key varchar(255))"
        )
    ledger.insert_rows(table, ["natural_key", "ledger_account_id", "seq", "donor_key"], staging)
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    sql = f"""
        INSERT INTO {Donation._meta.db_table} (organisation_id, campaign_id, donor_id, donor_name,
            channel, received_on, amount, goods_item, goods_quantity, goods_unit, earmark_kind,
            earmark_ref, statement_line_id, ledger_entry_id, note, reversed_at, created_by_id,
            created_at)
        SELECT %s, l.campaign_id, d.id, l.donor_name, %s, l.booked_on, l.amount, '', NULL, '',
            '', '', l.id, e.id, '', NULL, %s, %s
        FROM {table} s
        JOIN {StatementLine._meta.db_table} l
          ON l.bank_account_id = %s AND l.natural_key = s.natural_key
        JOIN audit_ledgerentry e ON e.account_id = s.ledger_account_id AND e.seq = s.seq
        LEFT JOIN {Donor._meta.db_table} d
          ON d.organisation_id = %s AND d.identity_key = s.donor_key AND NOT (d.identity_key = '')
             AND s.donor_key <> ''
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                org.pk,
                Channel.TRANSFER,
                user_id,
                connection.ops.adapt_datetimefield_value(now),
                bank_account.pk,
                org.pk,
            ],
        )
        cursor.execute(f"DROP TABLE {table}")


def campaigns_for(bank_account, default=None) -> list:
    """Campaigns a statement of this account can credit: the default (chosen at upload or
    the account's own) and every campaign with a memo organised by or with its owner."""
    from nhandao.campaigns.models import Campaign

    chosen = default or bank_account.campaign
    found = {}
    if chosen is not None:
        chosen._is_default = True
        found[chosen.pk] = chosen
    org = bank_account.organisation
    with_memo = (
        Campaign.objects.exclude(transfer_memo="")
        .filter(models.Q(organisation=org) | models.Q(co_organisers=org))
        .distinct()
    )
    for campaign in with_memo:
        found.setdefault(campaign.pk, campaign)
    return list(found.values())


def account_in_filename(filename: str) -> str:
    match = re.search(r"(?:^|[_\-\s])(\d{8,20})(?:[_\-\s.]|$)", filename or "")
    return match.group(1) if match else ""


def run_import(
    statement,
    data: bytes,
    *,
    actor=None,
    layout="auto",
    mapping=None,
    header_row=None,
    number_format="auto",
) -> dict:
    """The whole pipeline for one stored Statement record."""
    bank_account = statement.bank_account
    statement.status = StatementStatus.RUNNING
    statement.progress, statement.progress_note = 5, "Đang đọc tệp"
    statement.save(update_fields=["status", "progress", "progress_note"])
    named = account_in_filename(statement.filename)
    try:
        if named and named != bank_account.number:
            raise StatementError(
                f"Tệp sao kê của tài khoản {named}, không phải tài khoản {bank_account.number} "
                "đã chọn."
            )
        parsed = read_statement(
            data, statement.filename, layout, mapping, header_row, number_format
        )
        _progress(statement, 30, "Đang kiểm tra từng dòng")
        started = time.perf_counter()
        checked = validate(parsed, bank_account, campaigns_for(bank_account, statement.campaign))
        log.info("statement %s validated in %.2f s", statement.pk, time.perf_counter() - started)
    except StatementError as exc:
        statement.status = StatementStatus.REJECTED
        statement.errors = [_error(0, "", str(exc))]
        statement.progress, statement.finished_at = 100, timezone.now()
        statement.save()
        return statement.summary()
    return commit(statement, checked, actor)
