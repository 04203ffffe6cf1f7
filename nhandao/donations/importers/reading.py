"""Reading a statement file with the shared reader (lib/reader.py: encoding, delimiter,
header, limits, bombs, control characters, truncated files): the layout (recognised or
mapped) and the cells as text; amounts and dates are parsed by lib.money / lib.dates."""

import logging

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
from nhandao.lib import reader
from nhandao.lib.dates import parse_date_column
from nhandao.lib.money import parse_vnd_column
from nhandao.lib.text import fold

log = logging.getLogger(__name__)

checksum = reader.checksum


def _norm_header(text: str) -> str:
    return fold(text).replace(" ", "_")


def _layout_of(cells: list[str]) -> str | None:
    names = {_norm_header(c) for c in cells if c}
    for name, signature in SIGNATURES.items():
        if signature <= names:
            return name
    return None


def read_statement(
    data: bytes,
    filename: str,
    layout: str = "auto",
    mapping: dict | None = None,
    header_row: int | None = None,
    number_format: str = "auto",
    progress=None,
    checkpoint=None,
) -> Parsed:
    """Read a CSV, XLSX or PDF statement into a frame of text columns named after FIELDS
    (a PDF by its template: importers/pdf.py; `progress(page, pages)` as it goes, resumed
    from and saved to `checkpoint` when given: importers/resume.py)."""
    from nhandao.donations.importers import pdf

    if pdf.is_pdf(data):
        return pdf.read_pdf(data, filename, layout, progress=progress, checkpoint=checkpoint)
    if mapping:
        columns = {k: v for k, v in mapping.items() if v and k in FIELDS}
        chosen = Layout("custom", "Ánh xạ cột tự chọn", columns)
        wanted = {_norm_header(v) for v in columns.values()}

        def is_header(cells):
            return bool(wanted) and wanted <= {_norm_header(c) for c in cells if c}
    else:
        chosen = None

        def is_header(cells):
            return _layout_of(cells) is not None

    try:
        frame = reader.read_frame(
            data,
            filename,
            is_header=is_header,
            header_at=header_row - 1 if mapping and header_row else None,
        )
    except reader.FileRefused as exc:
        raise StatementError(exc.message, exc.row_errors()) from exc
    header = frame.header
    if mapping:
        present = {_norm_header(c) for c in header}
        if not (wanted & present) or (not header_row and not is_header(header)):
            raise StatementError("Không tìm thấy dòng tiêu đề chứa các cột đã chọn.")
        missing = [
            f"{FIELD_LABELS[k]} (“{v}”)"
            for k, v in columns.items()
            if _norm_header(v) not in present
        ]
        if missing:
            raise StatementError("Thiếu cột: " + ", ".join(missing) + ".")
    else:
        found = _layout_of(header)
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

    # The first column of each header name (a repeated name is read from its first column).
    position: dict[str, str] = {}
    for index, cell in enumerate(header):
        position.setdefault(_norm_header(cell), f"c{index}")
    try:
        # Lazy and streamed for a CSV: the cells are cleaned a batch of lines at a time,
        # rather than the whole file's raw columns being held next to their cleaned copies.
        cells = _cells(frame.lines, chosen, position).collect(engine="streaming")
    except Exception as exc:  # polars reports malformed CSV with its own error types
        raise StatementError(f"Tệp CSV không đọc được: {exc}") from exc
    # One chunk per column, as read_csv gives: otherwise the checks make single-chunk
    # copies of the columns while this frame keeps the originals.
    log.info("statement %s read as %s %s", filename, frame.kind, frame.encoding)
    return Parsed(
        frame=cells.rechunk(),
        layout=chosen,
        header_row=frame.header_row,
        filename=filename,
        checksum=frame.checksum,
        number_format=number_format,
        encoding=frame.encoding,
    )


def _cells(lines: pl.LazyFrame, chosen: Layout, position: dict[str, str]) -> pl.LazyFrame:
    """The file's row number and one trimmed text column per field ("" when the layout has
    no such column), without the rows that are entirely empty (trailing lines of a sheet)."""
    selected = [pl.col("row_no").cast(pl.Int64)]
    for name in FIELDS:
        source = chosen.columns.get(name)
        if source and _norm_header(source) in position:
            selected.append(
                pl.col(position[_norm_header(source)])
                .cast(pl.Utf8)
                .fill_null("")
                .str.strip_chars()
                .alias(name)
            )
        else:
            selected.append(pl.lit("").alias(name))
    return lines.select(selected).filter(pl.any_horizontal([pl.col(n) != "" for n in FIELDS]))


# --- values --------------------------------------------------------------------------------

STYLES = {"auto": "auto", "dot": "dot", "comma": "comma", "": "auto"}


def amounts(frame: pl.DataFrame, name: str, number_format: str) -> tuple[pl.Series, pl.Series]:
    """(integer đồng, reason it is refused) of a text column, by lib.money.parse_vnd: signs
    are read here and refused where a column has none (checking.py)."""
    return parse_vnd_column(frame[name], negative=True, style=STYLES.get(number_format, "auto"))


def dates(frame: pl.DataFrame, name: str) -> tuple[pl.Series, pl.Series]:
    """(date, reason it is refused) of a text column, by lib.dates.parse_date."""
    return parse_date_column(frame[name])
