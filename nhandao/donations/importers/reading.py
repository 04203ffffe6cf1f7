"""Reading a statement file (polars for CSV, python-calamine for XLSX): the header row, the
layout (recognised or mapped), and the cells as text; number and date parsing."""

import codecs
import csv
import hashlib
import io
import logging
from datetime import date

import polars as pl

from nhandao.donations.importers.layouts import (
    FIELD_LABELS,
    FIELDS,
    LAYOUTS,
    SIGNATURES,
    Layout,
    Parsed,
    StatementError,
)
from nhandao.lib.text import fold

log = logging.getLogger(__name__)

DECODE_STEP = 1 << 22  # bytes of a CSV decoded at a time when checking it is UTF-8

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
    if not data or data.isspace():  # not data.strip(): that copies the whole file
        raise StatementError("Tệp rỗng: không có dòng nào.")
    is_xlsx = data[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xls", ".xlsm"))
    if is_xlsx:
        rows = _sheet_rows(data)
        head_lines = rows[:30]
    else:
        head_lines = list(csv.reader(io.StringIO("\n".join(_first_lines(data, 30)))))
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

    offset = index + 2  # file row number (1-based) of the first data row
    if is_xlsx:
        header = [_norm_header(c) for c in rows[index]]
        body = rows[index + 1 :]
        width = len(header)
        body = [(r + [""] * width)[:width] for r in body]
        frame = pl.DataFrame(body, schema=[f"c{i}" for i in range(width)], orient="row")
        frame.columns = _unique(header)
        frame = _cells(frame.lazy(), chosen, offset).collect()
    else:
        # Lazy and streamed: the cells are cleaned a batch of lines at a time, rather than the
        # whole file's raw columns being held next to their cleaned copies (~0.3 GB more for a
        # 2-million-line file).
        try:
            lines = pl.scan_csv(
                data,  # polars skips the UTF-8 BOM itself
                skip_rows=index,
                infer_schema=False,
                truncate_ragged_lines=True,
                with_column_names=lambda names: _unique([_norm_header(c) for c in names]),
            )
            frame = _cells(lines, chosen, offset).collect(engine="streaming")
        except Exception as exc:  # polars reports malformed CSV with its own error types
            raise StatementError(f"Tệp CSV không đọc được: {exc}") from exc
        # One chunk per column, as read_csv gives: otherwise the checks make single-chunk
        # copies of the columns while this frame keeps the originals.
        frame = frame.rechunk()
    return Parsed(
        frame=frame,
        layout=chosen,
        header_row=index + 1,
        filename=filename,
        checksum=checksum(data),
        number_format=number_format,
    )


def _cells(lines: pl.LazyFrame, chosen: Layout, offset: int) -> pl.LazyFrame:
    """The file's row number and one trimmed text column per field ("" when the layout has
    no such column), without the rows that are entirely empty (trailing lines of a sheet)."""
    selected = [pl.col("row_no").cast(pl.Int64)]
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
    return (
        lines.with_row_index("row_no", offset)
        .select(selected)
        .filter(pl.any_horizontal([pl.col(n) != "" for n in FIELDS]))
    )


def _first_lines(data: bytes, count: int) -> list[str]:
    """text.splitlines()[:count] of a UTF-8 file (StatementError if any byte of it is not
    UTF-8), decoded a piece at a time: the whole file as one str, a str per line and the text
    encoded again for polars came to ~0.9 GB for a 2-million-line file."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    head, lines = "", None
    try:
        for start in range(0, len(data), DECODE_STEP):
            end = start + DECODE_STEP
            text = decoder.decode(data[start:end], final=end >= len(data))
            if lines is None:
                head += text
                # More than `count` lines in the head: the first `count` are complete.
                if len(split := head.splitlines()) > count:
                    lines = split[:count]
    except UnicodeDecodeError as exc:
        raise StatementError("Tệp CSV phải mã hóa UTF-8.") from exc
    return lines if lines is not None else head.splitlines()[:count]


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


def amount_expr(name: str, number_format: str) -> pl.Expr:
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


def date_expr(name: str) -> pl.Expr:
    s = pl.col(name).str.slice(0, 10)
    return pl.coalesce(
        s.str.to_date("%Y-%m-%d", strict=False),
        s.str.to_date("%d/%m/%Y", strict=False),
        s.str.to_date("%d-%m-%Y", strict=False),
        s.str.to_date("%d.%m.%Y", strict=False),
    )
