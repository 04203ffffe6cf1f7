"""The one file reader of every import: bytes of a CSV or XLSX file → a header and rows,
each row with its number in the file, or a refusal that says why (in Vietnamese).

    table = read_table(data, filename, is_header=lambda cells: ...)   # rows as Python lists
    frame = read_frame(data, filename, is_header=...)                  # a polars LazyFrame

What it does before anything is parsed (docs/decisions/0006-one-reader.md):
- the kind by content: a zip (XLSX) or text (CSV); .xls (Excel 97) and .ods are refused
  with what to do;
- XLSX: the archive is read with zipfile first: entries, declared and real uncompressed
  sizes (a zip bomb stops at the limit, a chunk at a time), and each sheet's declared
  `<dimension ref=…>` and cell references: a cell at XFD1048576 is refused before the
  spreadsheet parser allocates its rows × columns;
- CSV: the encoding is detected and reported (UTF-8 with or without BOM, UTF-16,
  Windows-1258 told from Windows-1252 by Vietnamese tone marks), the text normalised to NFC,
  the delimiter chosen (`,` `;` tab) by where the header is found, or by consistent widths;
  size, lines, line length (the cell-length guard), control characters and a truncated end
  (a quote left open, or a last line without its newline and with fewer cells than the
  header) are checked on the bytes;
then every cell is checked (length, control characters) with its row and column.

Errors have one shape: `RowError(row, column, value, reason)`; the whole file is refused by
`FileRefused` (a `Refused`), which carries the row errors that caused it.
"""

import codecs
import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from nhandao.lib.errors import Refused

MiB = 1 << 20
HEAD_ROWS = 30  # the header is looked for among the first rows
MAX_ROW_ERRORS = 20  # row errors kept when a file is refused for its cells


@dataclass(frozen=True)
class Limits:
    """What an import accepts; checked before the file is parsed."""

    max_bytes: int = 256 * MiB  # the file as uploaded
    max_rows: int = 2_000_000
    max_columns: int = 256
    max_cell_chars: int = 4000  # longer than any name, address or transfer message
    max_uncompressed: int = 512 * MiB  # an XLSX's entries, inflated
    max_cells: int = 20_000_000  # an XLSX sheet's rows × columns, as the parser allocates them
    max_zip_entries: int = 2000


LIMITS = Limits()


@dataclass(frozen=True)
class RowError:
    """One problem of one cell: `row` as numbered in the file (1: its first line; 0: the
    file as a whole), `column` its header (or "cột N"), the `value` as read, the reason."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        parts = []
        if self.row:
            parts.append(f"Dòng {self.row}")
        if self.column:
            parts.append(f"cột “{self.column}”")
        if self.value:
            parts.append(f"giá trị “{_shown(self.value)}”")
        return (", ".join(parts) + ": " if parts else "") + self.reason

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


class FileRefused(Refused):
    """The file as a whole is refused (encoding, size, bomb, truncated, bad cells): nothing
    of it may be imported. `errors` are the row errors behind it (empty when the reason is
    the file itself)."""

    def __init__(self, message: str, errors: list[RowError] | None = None):
        errors = list(errors or [])
        if errors:
            message = "\n".join([message, *(str(e) for e in errors)])
        super().__init__(message, field="file")
        self.errors = errors

    def row_errors(self) -> list[RowError]:
        """The errors to store: the rows, or one error for the file as a whole."""
        return self.errors or [RowError(0, "", "", self.message)]


@dataclass
class Table:
    """A file read: the header row's cells, the data rows after it (blank rows left out),
    each as (its number in the file, its cells: str for CSV; str, int, float, bool, date or
    datetime for XLSX), and how the file was read."""

    header: list[str]
    rows: list[tuple[int, list]]
    header_row: int  # 1-based
    kind: str  # "csv" or "xlsx"
    encoding: str = ""  # CSV: as detected ("UTF-8", "Windows-1258", …)
    delimiter: str = ""
    checksum: str = ""

    @property
    def description(self) -> str:
        """How the file was read, for the user: "CSV, Windows-1258, dấu chấm phẩy"."""
        if self.kind != "csv":
            return "Excel (.xlsx)"
        return f"CSV, {self.encoding}, {DELIMITER_NAMES.get(self.delimiter, self.delimiter)}"


@dataclass
class Frame:
    """A file read lazily into polars: `lines` has one text column per header cell, named
    c0, c1, …, and `row_no` (the file's row number); only the rows after the header."""

    header: list[str]
    lines: object  # pl.LazyFrame
    header_row: int
    kind: str
    encoding: str = ""
    delimiter: str = ""
    checksum: str = ""


DELIMITER_NAMES = {",": "dấu phẩy", ";": "dấu chấm phẩy", "\t": "dấu tab"}
HeaderTest = Callable[[list[str]], bool]


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- the entry points ----------------------------------------------------------------------


def read_table(
    data: bytes,
    filename: str = "",
    *,
    is_header: HeaderTest | None = None,
    header_at: int | None = None,
    limits=LIMITS,
) -> Table:
    """Read a CSV or XLSX file into rows of cells (FileRefused when it cannot be taken).
    The header is the row `header_at` (0-based) when given, else the first of the first 30
    rows that `is_header` accepts (the first non-blank row when none or no test)."""
    kind = _kind(data, filename, limits)
    if kind == "xlsx":
        rows = _workbook_rows(data, limits)
        table = _table(rows, is_header, "xlsx", limits, header_at)
    else:
        body, encoding = _utf8(data)
        text = body.decode("utf-8")
        delimiter, header_index = _layout(text, is_header, header_at)
        suspicious = _check_csv_bytes(body, delimiter, limits)
        rows = _csv_rows(text, delimiter, limits, check=suspicious)
        table = _table(rows, is_header, "csv", limits, header_at, header_index)
        table.encoding, table.delimiter = encoding, delimiter
    table.checksum = checksum(data)
    return table


def read_frame(
    data: bytes,
    filename: str = "",
    *,
    is_header: HeaderTest | None = None,
    header_at: int | None = None,
    limits=LIMITS,
) -> Frame:
    """Read a CSV or XLSX file for polars: a CSV is scanned lazily (large statements), after
    the same checks as read_table; an XLSX is read by read_table and framed."""
    import polars as pl

    kind = _kind(data, filename, limits)
    if kind == "xlsx":
        table = read_table(data, filename, is_header=is_header, header_at=header_at, limits=limits)
        width = len(table.header)
        names = [f"c{i}" for i in range(width)]
        body = [[_text(v) for v in (cells + [""] * width)[:width]] for _, cells in table.rows]
        frame = pl.DataFrame(body, schema=dict.fromkeys(names, pl.Utf8), orient="row")
        frame = frame.with_columns(pl.Series("row_no", [n for n, _ in table.rows], pl.Int64))
        return Frame(table.header, frame.lazy(), table.header_row, "xlsx", checksum=table.checksum)
    body, encoding = _utf8(data)
    head = _head_text(body)
    delimiter, header_index = _layout(head, is_header, header_at)
    if _check_csv_bytes(body, delimiter, limits):  # parse it to name the bad cells
        _csv_rows(body.decode("utf-8"), delimiter, limits, check=True)
    head_rows = list(csv.reader(io.StringIO(head), delimiter=delimiter))
    header = [c.strip() for c in head_rows[header_index]] if head_rows else []
    if len(header) > limits.max_columns:
        raise FileRefused(
            f"Dòng tiêu đề có {len(header)} cột, quá giới hạn {limits.max_columns} cột."
        )
    lines = pl.scan_csv(
        body,
        separator=delimiter,
        skip_rows=header_index,
        infer_schema=False,
        truncate_ragged_lines=True,
        with_column_names=lambda found: [f"c{i}" for i in range(len(found))],
    ).with_row_index("row_no", header_index + 2)
    lines = lines.with_columns(pl.col("row_no").cast(pl.Int64))
    return Frame(header, lines, header_index + 1, "csv", encoding, delimiter, checksum(data))


# ---- kind, size ----------------------------------------------------------------------------


def _kind(data: bytes, filename: str, limits: Limits) -> str:
    name = (filename or "").lower()
    if not data or data.isspace() or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE):
        raise FileRefused("Tệp rỗng: không có dòng nào.")
    if len(data) > limits.max_bytes:
        raise FileRefused(
            f"Tệp nặng {_size(len(data))}, quá giới hạn {_size(limits.max_bytes)}: hãy chia "
            "thành nhiều tệp nhỏ hơn."
        )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE: Excel 97–2003, or encrypted
        raise FileRefused(
            "Tệp Excel cũ (.xls) hoặc có mật khẩu: hãy mở bằng Excel, bỏ mật khẩu và lưu lại "
            "dưới dạng .xlsx hoặc .csv (UTF-8)."
        )
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return "xlsx"
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise FileRefused(
            "Tệp không phải bảng tính Excel (.xlsx) dù có đuôi như vậy, hoặc đã bị hỏng: hãy "
            "lưu lại dưới dạng .xlsx hoặc .csv."
        )
    return "csv"


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def _size(count: int) -> str:
    return f"{count / MiB:.1f} MB".replace(".", ",")


# ---- XLSX ----------------------------------------------------------------------------------

_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s[^>]*?ref=\"([A-Z]{1,4})(\d{1,8})(?::([A-Z]{1,4})(\d{1,8}))?\""
)
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,4})(\d{1,8})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d{1,8})\"")
_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_workbook(data: bytes, limits: Limits = LIMITS) -> None:
    """Refuse an XLSX whose archive or sheets are too big, before any spreadsheet parser
    sees it: the entries' declared sizes, then each entry inflated a chunk at a time (a zip
    bomb stops at the limit; an entry larger than it declares fails its CRC), and each
    sheet's declared dimension and cell references (rows, columns, rows × columns)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileRefused(_BROKEN_XLSX) from exc
    names = {info.filename for info in infos}
    if "mimetype" in names and "xl/workbook.xml" not in names:
        raise FileRefused(
            "Tệp OpenDocument (.ods) chưa được nhận: hãy lưu lại dưới dạng .xlsx hoặc .csv."
        )
    if "xl/workbook.xml" not in names:
        raise FileRefused(_BROKEN_XLSX)
    if len(infos) > limits.max_zip_entries:
        raise FileRefused(f"Tệp XLSX có {len(infos)} phần, quá nhiều cho một bảng tính.")
    if any(info.flag_bits & 0x1 for info in infos):
        raise FileRefused("Tệp XLSX có mật khẩu: hãy bỏ mật khẩu rồi tải lên lại.")
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_uncompressed:
        raise FileRefused(_bomb(declared, limits))
    inflated = 0
    try:
        for info in infos:
            sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            scan = _SheetScan(info.filename, limits) if sheet else None
            with archive.open(info) as member:
                first = True
                while chunk := member.read(_CHUNK):
                    inflated += len(chunk)
                    if inflated > limits.max_uncompressed:
                        raise FileRefused(_bomb(inflated, limits))
                    if scan is not None:
                        scan.feed(chunk)
                    if first and info.filename == "xl/sharedStrings.xml":
                        _check_string_count(chunk, info.file_size)
                    first = False
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        # zipfile stops an entry at its declared size and then fails its CRC: a lying bomb
        raise FileRefused(_BROKEN_XLSX) from exc


_STRING_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\buniqueCount=\"(\d{1,20})\"")


def _check_string_count(head: bytes, size: int) -> None:
    """A shared-string table cannot hold more strings than its bytes allow (each `<si>` is
    a dozen bytes at least): a parser may reserve room for the count it declares."""
    match = _STRING_COUNT.search(head)
    if match and int(match.group(1)) > size // 4 + 16:
        raise FileRefused(_BROKEN_XLSX)


class _SheetScan:
    """The largest row and column a sheet declares or uses, read as its XML streams by."""

    def __init__(self, name: str, limits: Limits):
        self.name, self.limits = name.rsplit("/", 1)[-1], limits
        self.carry = b""
        self.rows = self.columns = 0

    def feed(self, chunk: bytes) -> None:
        text = self.carry + chunk
        if match := _DIMENSION.search(text):
            letters, row = (match.group(3), match.group(4)) if match.group(3) else match.group(1, 2)
            self._extend(int(row), _column_number(letters), declared=True)
        for match in _CELL_REF.finditer(text):
            self._extend(int(match.group(2)), _column_number(match.group(1)))
        for match in _ROW_REF.finditer(text):
            self._extend(int(match.group(1)), 0)
        self.carry = text[-512:]  # a tag cut between two chunks is seen whole next time

    def _extend(self, row: int, column: int, declared: bool = False) -> None:
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)
        limits = self.limits
        if (
            self.rows > limits.max_rows
            or self.columns > limits.max_columns
            or self.rows * self.columns > limits.max_cells
        ):
            where = "khai báo vùng đến ô" if declared else "có ô"
            raise FileRefused(
                f"Trang tính “{self.name}” {where} {_column_letters(column)}{row} "
                f"({_n(row)} dòng × {_n(column)} cột), quá giới hạn {_n(limits.max_rows)} dòng, "
                f"{limits.max_columns} cột: hãy xóa các dòng, cột thừa (hoặc chép phần có dữ "
                "liệu sang một tệp mới) rồi tải lên lại."
            )


def _bomb(size: int, limits: Limits) -> str:
    return (
        f"Tệp XLSX khi giải nén lớn hơn {_size(min(size, limits.max_uncompressed))} (giới hạn "
        f"{_size(limits.max_uncompressed)}): tệp hỏng hoặc không phải bảng tính bình thường."
    )


_BROKEN_XLSX = (
    "Tệp XLSX bị hỏng, có mật khẩu hoặc không phải bảng tính; hãy lưu lại dưới dạng .xlsx "
    "không mật khẩu hoặc .csv."
)


def _workbook_rows(data: bytes, limits: Limits) -> list[tuple[int, list]]:
    check_workbook(data, limits)
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        cells = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for every bad workbook
        raise FileRefused(_BROKEN_XLSX) from exc
    return [(number, list(row)) for number, row in enumerate(cells, start=1)]


# ---- CSV: encoding -------------------------------------------------------------------------

# Windows-1258 writes Vietnamese tones as combining marks after the vowel (grave, acute,
# hook above, tilde, dot below); Windows-1252 reads the same bytes as Ì ì Ò Þ ò, which
# follow a vowel in no Western language.
_TONE_BYTES = re.compile(
    rb"(?i)[aeiouy\xc0-\xc3\xc8-\xca\xcd\xd3-\xd5\xd9\xda\xdd\xe0-\xe3\xe8-\xea\xed\xf3-\xf5\xf9\xfa\xfd][\xcc\xec\xd2\xde\xf2]"
)
_ANY_TONE_BYTE = re.compile(rb"[\xcc\xec\xd2\xde\xf2]")
_DECODE_STEP = 1 << 22


def detect_encoding(data: bytes) -> tuple[str, str]:
    """(Python codec, label for the user) of a CSV's bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 (có BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    head = data[:4096]
    if len(head) >= 8:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and not even:
            return "utf-16-le", "UTF-16"
        if even > len(head) // 4 and not odd:
            return "utf-16-be", "UTF-16"
    if _is_utf8(data):
        return "utf-8", "UTF-8"
    vietnamese = len(_TONE_BYTES.findall(data))
    others = len(_ANY_TONE_BYTE.findall(data)) - vietnamese
    order = ["cp1258", "cp1252"] if vietnamese and vietnamese >= others else ["cp1252", "cp1258"]
    for codec in order:
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec, "Windows-1258" if codec == "cp1258" else "Windows-1252"
    raise FileRefused(
        "Không nhận ra mã hóa ký tự của tệp CSV (không phải UTF-8, UTF-16, Windows-1258 hay "
        "Windows-1252): hãy lưu lại dưới dạng “CSV UTF-8”."
    )


def _is_utf8(data: bytes) -> bool:
    """Decoded a piece at a time: the whole file as one str is ~4× its size for Vietnamese."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(data), _DECODE_STEP):
            end = start + _DECODE_STEP
            decoder.decode(data[start:end], final=end >= len(data))
    except UnicodeDecodeError:
        return False
    return True


def _utf8(data: bytes) -> tuple[bytes, str]:
    """The file as UTF-8 bytes in NFC (Windows-1258 writes tones apart: "Nguyê\u0303n"),
    without BOM, and the encoding's label."""
    codec, label = detect_encoding(data)
    if codec == "utf-8":
        return data, label
    if codec == "utf-8-sig":
        return data[len(codecs.BOM_UTF8) :], label
    text = unicodedata.normalize("NFC", data.decode(codec))
    return text.lstrip("\ufeff").encode("utf-8"), label


def _head_text(body: bytes) -> str:
    """The first HEAD_ROWS + 1 lines of UTF-8 bytes, as text."""
    end = 0
    for _ in range(HEAD_ROWS + 1):
        found = body.find(b"\n", end)
        if found < 0:
            end = len(body)
            break
        end = found + 1
    return body[:end].decode("utf-8", errors="replace")


# ---- CSV: delimiter and header -------------------------------------------------------------


def _layout(
    text: str, is_header: HeaderTest | None, header_at: int | None = None
) -> tuple[str, int]:
    """(delimiter, index of the header row) from the first lines: the delimiter with which
    `is_header` finds a header (at `header_at` when given); else the one that splits the
    most lines into the same number (> 1) of cells."""
    head = text[: 1 << 16] if len(text) > 1 << 16 else text
    lines = head.splitlines(keepends=True)[: HEAD_ROWS + 1]
    sample = "".join(lines)
    scored = []
    for delimiter in (",", ";", "\t"):
        rows = _safe_rows(sample, delimiter)
        if is_header is not None:
            if header_at is not None:
                if header_at < len(rows) and is_header([c.strip() for c in rows[header_at]]):
                    return delimiter, header_at
            elif (index := find_header(rows, is_header)) is not None:
                return delimiter, index
        widths = Counter(len(r) for r in rows if any(c.strip() for c in r))
        width, count = widths.most_common(1)[0] if widths else (0, 0)
        scored.append((width > 1, count, width, delimiter))
    best = max(scored, key=lambda s: s[:3])
    delimiter = best[3] if best[0] else ","
    if header_at is not None:
        return delimiter, header_at
    return delimiter, _first_filled(_safe_rows(sample, delimiter))


def _safe_rows(sample: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    except csv.Error:
        return []


def find_header(rows: list[list], is_header: HeaderTest) -> int | None:
    """Index of the first of the first 30 rows whose cells (as text) `is_header` accepts."""
    for index, row in enumerate(rows[:HEAD_ROWS]):
        if is_header([_text(c) for c in row]):
            return index
    return None


def _first_filled(rows: list[list]) -> int:
    for index, row in enumerate(rows[:HEAD_ROWS]):
        if _filled(row):
            return index
    return 0


# ---- CSV: checks on the bytes --------------------------------------------------------------

CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CELLS_REFUSED = "Tệp có ô không nhận được; không nhập dòng nào:"


def _check_csv_bytes(body: bytes, delimiter: str, limits: Limits) -> bool:
    """Lines and a truncated end refused, on the bytes (fast, in C); True when a line is
    longer than a cell may be or a control character is there: the caller then checks
    every cell, to name the bad ones with their rows and columns."""
    lines = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if lines > limits.max_rows + HEAD_ROWS:
        raise FileRefused(
            f"Tệp có {_n(lines)} dòng, quá giới hạn {_n(limits.max_rows)} dòng: hãy chia "
            "thành nhiều tệp."
        )
    suspicious = _has_control(body)
    suspicious = suspicious or _longest_line(body) > limits.max_cell_chars
    if body.count(b'"') % 2:
        _refuse_open_quote(body, delimiter)
    if not body.endswith((b"\n", b"\r")):
        _refuse_cut_last_line(body, delimiter)
    return suspicious


def _longest_line(body: bytes) -> int:
    """Bytes of the longest line, 16 MB of the file at a time (bounded memory)."""
    longest, carry, step = 0, 0, 16 * MiB  # carry: bytes of the line cut by the last piece
    for offset in range(0, len(body), step):
        lines = body[offset : offset + step].split(b"\n")
        if len(lines) == 1:
            carry += len(lines[0])
            continue
        longest = max(longest, carry + len(lines[0]), max(map(len, lines[1:-1]), default=0))
        carry = len(lines[-1])
    return max(longest, carry)


def _has_control(body: bytes) -> bool:
    """A control character anywhere (C0 but tab, CR, LF; DEL; C1 as UTF-8)."""
    return bool(body.translate(None, _NOT_CONTROL)) or _C1_UTF8.search(body) is not None


_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 13) or b == 127))
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _refuse_open_quote(body: bytes, delimiter: str) -> None:
    """An odd number of quotes is a quote left open only if a strict parser runs out of data
    inside it (a lone inch sign in an unquoted cell is not)."""
    reader = csv.reader(io.StringIO(body.decode("utf-8")), delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, _ in enumerate(reader, start=1):  # noqa: B007
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise FileRefused(
                f"Tệp CSV bị cắt: dấu ngoặc kép mở ở dòng {number + 1} không được đóng đến "
                "hết tệp (tệp có thể chưa tải hết). Hãy tải lên tệp đầy đủ."
            ) from None
        raise FileRefused(
            f"Tệp CSV sai định dạng ở dòng {number + 1}: dấu ngoặc kép lạc chỗ."
        ) from None


def _refuse_cut_last_line(body: bytes, delimiter: str) -> None:
    """A last line without its newline and with fewer cells than the first line: the file
    was cut (a cut inside the last amount once imported 50 đ for 50.000 đ)."""
    start = body.rfind(b"\n") + 1
    if start == 0:
        return  # one line: nothing to compare with
    last = body[start:].decode("utf-8", errors="replace")
    first = _head_text(body).splitlines()
    cells = next(csv.reader([last], delimiter=delimiter), [])
    widths = [len(r) for r in _safe_rows("\n".join(first[:HEAD_ROWS]), delimiter) if len(r) > 1]
    width = max(widths) if widths else 0
    if len(cells) < width:
        number = body.count(b"\n") + 1
        raise FileRefused(
            f"Tệp CSV bị cắt: dòng cuối (dòng {number}) chỉ có {len(cells)}/{width} cột và không "
            "kết thúc bằng xuống dòng (tệp có thể chưa tải hết). Hãy tải lên tệp đầy đủ.",
            [RowError(number, "", last, "Dòng bị cắt giữa chừng.")],
        )


# ---- rows and cells ------------------------------------------------------------------------


def _csv_rows(
    text: str, delimiter: str, limits: Limits, *, check: bool = True
) -> list[tuple[int, list]]:
    """Every record of a CSV text, numbered from 1, with its cells checked (`check`)."""
    # A cell as long as the file is read whole, then refused by its length with its row and
    # column (the file's size is already bounded); the csv module's own limit says neither.
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_bytes))
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            if len(cells) > limits.max_columns:
                raise FileRefused(
                    f"Dòng {number} có {len(cells)} cột, quá giới hạn {limits.max_columns} cột."
                )
            rows.append((number, cells))
    except csv.Error as exc:
        raise FileRefused(f"Tệp CSV sai định dạng ở dòng {len(rows) + 1}: {exc}.") from None
    if check:
        _check_rows(rows, limits)
    return rows


def _check_rows(rows: list[tuple[int, list]], limits: Limits) -> None:
    """FileRefused naming the cells too long or with a control character (the first 20)."""
    header = rows[_first_filled([c for _, c in rows])][1] if rows else []
    header = [_text(c) for c in header]
    errors: list[RowError] = []
    for number, cells in rows:
        texts = [c for c in cells if c.__class__ is str and c]
        if not texts:
            continue
        # One search per row; the cells of a row that fails are then looked at one by one.
        if max(map(len, texts)) > limits.max_cell_chars or CONTROL_TEXT.search("\n".join(texts)):
            _check_cells(number, cells, header, limits, errors)
            if len(errors) >= MAX_ROW_ERRORS:
                break
    if errors:
        raise FileRefused(_CELLS_REFUSED, errors)


def _check_cells(number, cells, header, limits, errors) -> None:
    for index, value in enumerate(cells):
        if (
            isinstance(value, str)
            and value
            and (len(value) > limits.max_cell_chars or CONTROL_TEXT.search(value))
        ):
            column = header[index].strip() if index < len(header) and header[index] else ""
            errors.append(
                RowError(number, column or f"cột {index + 1}", value, _cell_reason(value, limits))
            )


def _cell_reason(value: str, limits: Limits) -> str:
    if len(value) > limits.max_cell_chars:
        return f"Ô dài {_n(len(value))} ký tự, quá giới hạn {_n(limits.max_cell_chars)} ký tự."
    found = CONTROL_TEXT.search(value)
    return (
        f"Ô chứa ký tự điều khiển U+{ord(found.group()):04X} (không in được) ở vị trí "
        f"{found.start() + 1}: hãy xóa ký tự đó."
    )


def _filled(cells: list) -> bool:
    for cell in cells:
        if cell is not None and (cell.__class__ is not str or (cell and not cell.isspace())):
            return True
    return False


def _table(rows, is_header, kind, limits, header_at=None, header_index=None) -> Table:
    filled = [(n, cells) for n, cells in rows if _filled(cells)]
    if kind == "xlsx":
        if len(filled) > limits.max_rows + HEAD_ROWS:
            raise FileRefused(f"Tệp có quá {_n(limits.max_rows)} dòng: hãy chia thành nhiều tệp.")
        _check_rows(filled, limits)
    # The header: the row `is_header` accepts among the first rows, else the first filled.
    at = header_at
    if at is None and is_header is not None:
        at = find_header([cells for _, cells in rows], is_header)
    if at is None:
        at = header_index if header_index is not None else _first_filled([c for _, c in rows])
    if not rows or at >= len(rows):
        return Table([], [], (at or 0) + 1, kind)
    header_number, header_cells = rows[at]
    data = [(n, cells) for n, cells in filled if n > header_number]
    return Table([_text(c) for c in header_cells], data, header_number, kind)


def _text(value) -> str:
    """A cell as text: numbers without a trailing ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


cell_text = _text


def _shown(value: str) -> str:
    """A value as quoted in a message: control characters visible, long values cut."""
    shown = CONTROL_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    return shown if len(shown) <= 60 else shown[:57] + "…"


__all__ = [
    "LIMITS",
    "FileRefused",
    "Frame",
    "Limits",
    "RowError",
    "Table",
    "cell_text",
    "check_workbook",
    "checksum",
    "detect_encoding",
    "find_header",
    "read_frame",
    "read_table",
]
