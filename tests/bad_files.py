"""Files that once killed or fooled the importers, built in the test (and by
bench/bench_reader.py): a zip bomb dressed as an XLSX, a sheet with a cell at XFD1048576,
Vietnamese text as Excel saves it in Windows-1258."""

import io
import struct
import unicodedata
import zipfile
import zlib

from openpyxl import Workbook

MiB = 1 << 20

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
    b'/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
)
SHEET_TAIL = b"</t></is></c></row></sheetData></worksheet>"


def _entry(name: str, chunks, *, declared: int | None = None):
    """(name, raw deflate data, crc, size, declared size) of an entry whose content is the
    concatenation of `chunks` ((bytes, times) pairs): each repeated chunk is compressed once
    (a full flush makes its deflate output the same every time), so a gigabyte costs
    nothing to build."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    data, crc, size = [], 0, 0
    for chunk, times in chunks:
        block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
        data.append(block * times)
        for _ in range(times):
            crc = zlib.crc32(chunk, crc)
        size += len(chunk) * times
    data.append(deflate.flush())
    return name, b"".join(data), crc, size, size if declared is None else declared


def _zip(entries) -> bytes:
    """A zip archive written by hand (zipfile cannot store data compressed elsewhere)."""
    out, directory = io.BytesIO(), io.BytesIO()
    dos_time, dos_date = 0, (2024 - 1980) << 9 | 9 << 5 | 5
    for name, data, crc, _size, declared in entries:
        offset = out.tell()
        raw = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                8,
                dos_time,
                dos_date,
                crc,
                len(data),
                declared,
                len(raw),
                0,
            )  # fmt: skip
            + raw
            + data
        )
        directory.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                dos_time,
                dos_date,
                crc,
                len(data),
                declared,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )  # fmt: skip
            + raw
        )
    start, listing = out.tell(), directory.getvalue()
    out.write(listing)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(listing), start, 0
        )  # fmt: skip
    )
    return out.getvalue()


def xlsx_bomb(inflated: int = 1024 * MiB, *, lying: bool = False) -> bytes:
    """An XLSX whose one sheet inflates to `inflated` bytes (a cell of spaces) from well
    under a megabyte; `lying`: its sizes declared as 1 KB, as a hostile file would."""
    name = "xl/worksheets/sheet1.xml"
    sheet = _entry(
        name,
        [(SHEET_HEAD, 1), (b" " * MiB, inflated // MiB), (SHEET_TAIL, 1)],
        declared=1024 if lying else None,
    )
    out = io.BytesIO()
    Workbook().save(out)  # the rest of a real workbook around the sheet
    source = zipfile.ZipFile(out)
    others = [
        _entry(info.filename, [(source.read(info), 1)])
        for info in source.infolist()
        if info.filename != name
    ]
    return _zip([*others, sheet])


def xlsx_far_cell(reference: str = "XFD1048576", *, declare: bool = True) -> bytes:
    """A 5 KB XLSX: a header, one row, and one cell at `reference` (openpyxl declares the
    dimension A1:<reference>); `declare=False`: no <dimension> element, only the cell."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Mã xã/phường"])
    sheet.append(["Nguyễn Thị Hoa", "4"])
    sheet[reference] = "x"
    out = io.BytesIO()
    book.save(out)
    if declare:
        return out.getvalue()
    source = zipfile.ZipFile(out)
    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                start = data.index(b"<dimension")
                data = data[:start] + data[data.index(b"/>", start) + 2 :]
            target.writestr(info.filename, data)
    return rewritten.getvalue()


def cp1258(text: str) -> bytes:
    """Text as Excel saves "CSV" on a Vietnamese Windows: Windows-1258, whose letters carry
    â ă ê ô ơ ư đ but whose tones are separate combining marks ("Nguyê" + U+0303 + "n")."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out: list[str] = []
    base, marks = "", ""  # the letter with its other marks composed, then its tone
    for ch in unicodedata.normalize("NFD", text) + "\0":
        if unicodedata.combining(ch):
            if ch in tones:
                marks += ch
            else:
                base = unicodedata.normalize("NFC", base + ch)
            continue
        out.append(base + marks)
        base, marks = ch, ""
    out.append(base[:-1] if base.endswith("\0") else base)
    return "".join(out).encode("cp1258")
