"""The built-in statement layouts, the fields a mapping can name, and the records passed
between reading, checking and writing."""

import logging
from dataclasses import dataclass, field

import polars as pl

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
    """The file as a whole cannot be read (message in Vietnamese); `row_errors` are the
    reader's RowErrors behind it, when the file was refused for some of its cells."""

    def __init__(self, message: str, row_errors: list | None = None):
        super().__init__(message)
        self.row_errors = list(row_errors or [])


@dataclass
class Parsed:
    frame: pl.DataFrame  # one Utf8 column per mapped field + row_no
    layout: Layout
    header_row: int
    filename: str
    checksum: str
    number_format: str = "auto"
    encoding: str = ""  # a CSV's, as the reader detected it ("" for XLSX)
    pdf: dict | None = None  # a PDF's template, pages and printed figures (importers/pdf.py)


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
    # lines that cannot be posted as read (amount missing or zero; a PDF's unreadable date or
    # amount), set aside for review while the other lines import: {row, page, position,
    # values, reason} (checking.REVIEWABLE)
    review: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors
