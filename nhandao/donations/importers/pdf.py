"""PDF statements: positioned words (PyMuPDF) cut into rows and columns by a template.

A template is data (``nhandao/donations/data/pdf_templates/*.json``), one per bank and layout
version, so that a new layout needs no code:

    name, label            the layout's key and its Vietnamese name
    recognise              texts that must all appear (diacritics and case ignored) on page 1
    account                a regex whose group 1 is the account number printed on page 1
    header                 texts of the table's header row: on a page where one is found, the
                           rows start below it (the statement's front matter is left out)
    footer                 regexes of lines that start a page's footer (dropped, with all
                           below them)
    drop                   regexes of text to leave out wherever it is (a notice printed over
                           the table): the words of a line that a match covers
    columns                [{"fields": ["date", "reference"], "x0": 0, "x1": 100}, …]: the words
                           whose centre falls in [x0, x1) (points), or whose centre is nearest
                           to the header word "header" when no x0/x1 is given; the first word
                           goes to the first field, the rest to the second
    anchor                 {"field": "date", "pattern": "…"}: a word of that column matching the
                           pattern starts a row
    rows                   "top": a row runs from its anchor down to the next one (continuation
                           lines joined, across a page break too); "rules": a row is the band
                           between two horizontal rules of the page's table (cells centred)
    number_format          "dot" (1.500.000) or "comma" (1,500,000)
    totals                 optional regex: group 1 the printed total of credits, compared with
                           the sum of the lines read (a parse error otherwise)
    numbered               optional field holding a running number (STT): a gap or repeat is a
                           parse error

Every row keeps its page (1-based) and its position (the anchor's distance from the page's
top, in points). A page whose text lost its Vietnamese characters (NUL or U+FFFD) and a page
without any text (a scan) are named in the refusal; docs/decisions/0021-pdf-statements.md.
"""

import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from nhandao.donations.importers import resume
from nhandao.donations.importers.layouts import (
    FIELD_LABELS,
    FIELDS,
    Layout,
    Parsed,
    StatementError,
)
from nhandao.lib import reader
from nhandao.lib.text import fold, nfc

log = logging.getLogger(__name__)
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "data" / "pdf_templates"
MAX_PAGES = 20_000  # more than the 12,028 pages of the largest statement published
MAX_WORDS_PER_PAGE = 20_000  # a statement page holds a few hundred
MAX_CHARS_PER_PAGE = 200_000
LOST = ("\x00", "\ufffd")
# Tesseract's Vietnamese data, from Debian's tesseract-ocr-vie (MuPDF runs Tesseract itself)
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")
OCR_DPI = 300
# words as printed: ligatures and whitespace kept, no images, no clipping tests
TEXT_FLAGS = 0


@dataclass(frozen=True)
class Column:
    fields: tuple
    x0: float | None = None
    x1: float | None = None
    header: str = ""


@dataclass(frozen=True)
class Template:
    name: str
    label: str
    recognise: tuple
    columns: tuple
    anchor_field: str
    anchor_pattern: str
    rows: str = "top"
    account: str = ""
    header: tuple = ()
    footer: tuple = ()
    drop: tuple = ()
    number_format: str = "auto"
    totals: str = ""
    numbered: str = ""
    first_page_only: bool = False
    extra: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def layout(self) -> Layout:
        fields = [f for c in self.columns for f in c.fields if f in FIELDS]
        # the fields' Vietnamese names stand for the columns' headers in messages
        return Layout(f"pdf-{self.name}", self.label, {f: FIELD_LABELS[f] for f in fields})


def _template(data: dict) -> Template:
    return Template(
        name=data["name"],
        label=data["label"],
        recognise=tuple(data["recognise"]),
        columns=tuple(
            Column(tuple(c["fields"]), c.get("x0"), c.get("x1"), c.get("header", ""))
            for c in data["columns"]
        ),
        anchor_field=data["anchor"]["field"],
        anchor_pattern=data["anchor"]["pattern"],
        rows=data.get("rows", "top"),
        account=data.get("account", ""),
        header=tuple(data.get("header", ())),
        footer=tuple(data.get("footer", ())),
        drop=tuple(data.get("drop", ())),
        number_format=data.get("number_format", "auto"),
        totals=data.get("totals", ""),
        numbered=data.get("numbered", ""),
    )


def load_templates(directory: Path = TEMPLATES_DIR) -> dict[str, Template]:
    """The templates shipped (and any added as a JSON file in the directory)."""
    found = {}
    for path in sorted(directory.glob("*.json")):
        template = _template(json.loads(path.read_text(encoding="utf-8")))
        found[template.name] = template
    return found


TEMPLATES = load_templates()


def _n(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip()[:5] == b"%PDF-"


# ---- opening ------------------------------------------------------------------------------


def open_pdf(data: bytes, *, max_pages: int | None = None):
    """The document, or StatementError: encrypted, damaged or cut short, too many pages."""
    import pymupdf

    max_pages = max_pages or MAX_PAGES
    if len(data) > reader.LIMITS.max_bytes:
        raise StatementError(
            f"Tệp PDF nặng {len(data) // reader.MiB} MB, quá giới hạn "
            f"{reader.LIMITS.max_bytes // reader.MiB} MB."
        )
    if b"%%EOF" not in data[-2048:]:
        raise StatementError(
            "Tệp PDF bị cắt cụt (thiếu phần kết thúc %%EOF): hãy tải lại tệp gốc từ ngân hàng."
        )
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # pymupdf raises its own FileDataError and RuntimeErrors
        raise StatementError(f"Tệp PDF hỏng, không mở được: {exc}") from exc
    if doc.needs_pass or doc.is_encrypted:
        raise StatementError(
            "Tệp PDF có mật khẩu (mã hoá): hãy mở bằng mật khẩu ngân hàng cấp và lưu lại "
            "bản không mật khẩu, rồi tải lên."
        )
    if doc.is_repaired:
        raise StatementError(
            "Tệp PDF bị hỏng hoặc cắt cụt (bảng tham chiếu xref phải dựng lại): hãy tải lại "
            "tệp gốc từ ngân hàng."
        )
    if doc.page_count == 0:
        raise StatementError("Tệp PDF không có trang nào.")
    if doc.page_count > max_pages:
        raise StatementError(
            f"Tệp PDF có {_n(doc.page_count)} trang, quá giới hạn {_n(max_pages)} trang: hãy "
            "chia thành nhiều tệp."
        )
    return doc


def _words(page, number: int) -> list:
    words = page.get_text("words", sort=False, flags=TEXT_FLAGS)
    if len(words) > MAX_WORDS_PER_PAGE:
        raise StatementError(
            f"Trang {number}: {_n(len(words))} từ, quá giới hạn {_n(MAX_WORDS_PER_PAGE)} từ "
            "một trang (tệp bất thường, có thể là tệp “bom”)."
        )
    return words


def tessdata() -> str | None:
    """Where Tesseract's Vietnamese data is, or None when OCR is not installed."""
    import os

    for directory in (os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_DIRS):
        if directory and Path(directory, "vie.traineddata").is_file():
            return directory
    return None


def ocr_words(page, number: int, data_dir: str) -> list:
    """The words of a scanned page, read by Tesseract (Vietnamese) through MuPDF."""
    try:
        textpage = page.get_textpage_ocr(language="vie", dpi=OCR_DPI, full=True, tessdata=data_dir)
    except Exception as exc:  # MuPDF reports Tesseract's failures as RuntimeError
        raise StatementError(f"Trang {number}: bản quét không đọc được bằng OCR: {exc}") from exc
    return page.get_text("words", textpage=textpage, sort=False)


def page_text_lost(text: str) -> bool:
    return any(mark in text for mark in LOST)


def recognise(first_page_text: str, wanted: str = "auto") -> Template:
    folded = fold(first_page_text)
    if wanted not in ("", "auto"):
        name = wanted.removeprefix("pdf-")
        if name not in TEMPLATES:
            raise StatementError(f"Không có mẫu sao kê PDF “{wanted}”.")
        template = TEMPLATES[name]
        if not all(fold(r) in folded for r in template.recognise):
            raise StatementError(f"Trang 1: tệp PDF không đúng mẫu “{template.label}”.")
        return template
    for template in TEMPLATES.values():
        if all(fold(r) in folded for r in template.recognise):
            return template
    raise StatementError(
        "Trang 1: không nhận ra mẫu sao kê PDF (Vietcombank, BIDV, Agribank, danh sách ủng hộ "
        "của Mặt trận). Tệp không chứa sao kê, hoặc là mẫu chưa có: thêm một mẫu (tệp JSON "
        "trong nhandao/donations/data/pdf_templates) rồi tải lên lại."
    )


def printed_account(template: Template, first_page_text: str) -> str:
    if not template.account:
        return ""
    match = re.search(template.account, first_page_text)
    return match.group(1) if match else ""


# ---- rows ---------------------------------------------------------------------------------


def _centre(word) -> float:
    return (word[0] + word[2]) / 2


def _lines(words) -> list[list]:
    """Words grouped into lines (tops within 2 points), each line left to right."""
    lines: list[list] = []
    for word in sorted(words, key=lambda w: (round(w[1]), w[0])):
        if lines and abs(lines[-1][0][1] - word[1]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w[0]) for line in lines]


def _column_bounds(template: Template, words) -> list[tuple[float, float]] | None:
    """[x0, x1) of each column: as the template gives them, or around the header words."""
    if all(c.x0 is not None for c in template.columns):
        return [(c.x0, c.x1) for c in template.columns]
    centres = []
    for column in template.columns:
        if column.x0 is not None:
            centres.append((column.x0 + column.x1) / 2)
            continue
        target = fold(column.header)
        hit = [w for w in words if fold(w[4]) == target]
        if not hit:
            return None
        centres.append(_centre(hit[0]))
    bounds = []
    for i, centre in enumerate(centres):
        left = -1e9 if i == 0 else (centres[i - 1] + centre) / 2
        right = 1e9 if i == len(centres) - 1 else (centre + centres[i + 1]) / 2
        bounds.append((left, right))
    return bounds


def _column_of(x: float, bounds) -> int:
    for i, (x0, x1) in enumerate(bounds):
        if x0 <= x < x1:
            return i
    return -1


@dataclass
class PageRows:
    rows: list  # [page, position, [words of each column]]
    leading: list  # words of each column before the first row (a row continued)


class PdfReader:
    def __init__(self, template: Template):
        self.template = template
        self.anchor = re.compile(template.anchor_pattern)
        self.footer = [re.compile(p) for p in template.footer]
        self.header = [fold(h) for h in template.header]
        self.drop = [re.compile(p) for p in template.drop]
        self.anchor_col = next(
            i for i, c in enumerate(template.columns) if template.anchor_field in c.fields
        )
        self.bounds = None

    def body(self, words):
        """The words of the table's rows: below the header row, above the footer."""
        top, bottom = -1.0, 1e9
        lines = _lines(words) if (self.header or self.footer or self.drop) else []
        if self.drop:
            dropped = set()
            for line in lines:
                text, starts = "", []
                for w in line:
                    starts.append(len(text))
                    text += w[4] + " "
                for pattern in self.drop:
                    for m in pattern.finditer(text):
                        dropped.update(
                            id(w)
                            for w, at in zip(line, starts, strict=True)
                            if m.start() <= at < m.end()
                        )
            if dropped:
                words = [w for w in words if id(w) not in dropped]
                lines = [[w for w in line if id(w) not in dropped] for line in lines]
                lines = [line for line in lines if line]
        if self.header:
            for line in lines:
                text = fold(" ".join(w[4] for w in line))
                if any(h in text for h in self.header):
                    top = max(top, max(w[3] for w in line))
        if self.footer:
            for line in lines:
                text = " ".join(w[4] for w in line)
                if any(p.search(text) for p in self.footer):
                    bottom = min(bottom, min(w[1] for w in line))
        return [w for w in words if w[1] >= top - 0.5 and w[1] < bottom - 0.5 and w[3] > top]

    def page_rows(self, page, number: int, words) -> PageRows:
        if self.bounds is None:
            self.bounds = _column_bounds(self.template, words)
            if self.bounds is None:
                raise StatementError(f"Trang {number}: không thấy dòng tiêu đề của bảng sao kê.")
        words = self.body(words)
        ncol = len(self.template.columns)
        bounds = self.bounds
        placed = []  # (word, column)
        for w in words:
            x = (w[0] + w[2]) / 2
            for i, (x0, x1) in enumerate(bounds):
                if x0 <= x < x1:
                    placed.append((w, i))
                    break
        anchor_col, match = self.anchor_col, self.anchor.match
        anchors = sorted(
            (w for w, col in placed if col == anchor_col and match(w[4])), key=lambda w: w[1]
        )
        # one anchor a row: words of the anchor's line after the first do not start one
        starts = []
        for w in anchors:
            if not starts or w[1] - starts[-1][1] >= 2:
                starts.append(w)
        rules = self.template.rows == "rules"
        if rules:
            bands = self._bands(page, starts)
        else:
            tops = [w[1] - 3 for w in starts]
            bands = [(t, tops[i + 1] if i + 1 < len(tops) else 1e9) for i, t in enumerate(tops)]
        rows = [[number, round(s[1], 1), [[] for _ in range(ncol)]] for s in starts]
        leading = [[] for _ in range(ncol)]
        first_top = bands[0][0] if bands else 1e9
        for w, col in placed:
            y = (w[1] + w[3]) / 2 if rules else w[1]
            if y < first_top:
                leading[col].append(w)
                continue
            for i, (top, bottom) in enumerate(bands):
                if top <= y < bottom:
                    rows[i][2][col].append(w)
                    break
        return PageRows(rows, leading)

    def _bands(self, page, starts) -> list[tuple[float, float]]:
        """The band of each anchored row between the table's horizontal rules."""
        ys = sorted(
            {
                round(d["rect"].y0, 1)
                for d in page.get_drawings()
                if d["rect"].height < 2 and d["rect"].width > 50
            }
        )
        bands = []
        for s in starts:
            centre = (s[1] + s[3]) / 2
            above = [y for y in ys if y <= centre]
            below = [y for y in ys if y > centre]
            bands.append((above[-1] if above else 0.0, below[0] if below else 1e9))
        return bands


def _cell(words) -> list[str]:
    if len(words) < 2:
        return [w[4] for w in words]
    return [w[4] for line in _lines(words) for w in line]


def read_pdf(
    data: bytes,
    filename: str,
    layout: str = "auto",
    progress=None,
    ocr: bool = True,
    checkpoint=None,
) -> Parsed:
    """A PDF statement read into the frame every statement goes through (checking.validate),
    with `page` and `position` kept for each row. Given a `checkpoint` (resume.Checkpoint),
    the reading starts where a stopped reading of the same file left it and saves where it
    is every RESUME_EVERY pages."""
    doc = open_pdf(data)
    data_dir = tessdata() if ocr else None
    first_words = _words(doc[0], 1)
    scanned_first = not first_words
    if scanned_first and data_dir:
        first_words = ocr_words(doc[0], 1, data_dir)
    first = "\n".join(" ".join(w[4] for w in line) for line in _lines(first_words))
    if not first.strip():
        raise StatementError(
            "Trang 1 không có chữ: tệp PDF là bản quét (ảnh)"
            + ("" if data_dir or not ocr else " và máy chủ chưa cài OCR (tesseract-ocr-vie)")
            + ". Hãy xin ngân hàng bản sao kê điện tử (PDF có chữ) hoặc tệp CSV/Excel."
        )
    if page_text_lost(first):
        raise StatementError(
            "Trang 1: chữ tiếng Việt bị mất (ký tự NUL hoặc �): tệp PDF không đọc đúng được."
        )
    template = recognise(first, layout)
    pdf = PdfReader(template)
    import pymupdf

    fields = [f for c in template.columns for f in c.fields]
    columns = {name: [] for name in fields}
    pages_col, positions = [], []
    ocr_pages: set[int] = set()

    def finish(record) -> None:
        """A row's words to text as soon as no later page can add to it (memory stays flat
        on a 12,000-page statement: words are not kept)."""
        page_no, position, cells = record
        pages_col.append(page_no)
        positions.append(position)
        for column, words in zip(template.columns, cells, strict=True):
            texts = _cell(words)
            if len(column.fields) == 1:
                columns[column.fields[0]].append(" ".join(texts))
            else:
                columns[column.fields[0]].append(texts[0] if texts else "")
                columns[column.fields[1]].append(" ".join(texts[1:]))

    pending = None  # the last row read: the next page may continue it
    pages = doc.page_count
    lost, empty, printed = [], [], []
    start, saved = 0, 0  # the first page to read (0-based); rows already in a checkpoint
    loaded = checkpoint.load() if checkpoint is not None else None
    if loaded is not None and loaded[0].get("template") == template.name:
        state, chunks = loaded
        for chunk in chunks:
            pages_col.extend(chunk["pages"])
            positions.extend(chunk["positions"])
            for name in columns:
                columns[name].extend(chunk["columns"][name])
        start, saved = state["next"], len(pages_col)
        pending, lost, empty, printed = (
            state["pending"], state["lost"], state["empty"], state["printed"],
        )  # fmt: skip
        ocr_pages.update(state["ocr_pages"])
        pdf.bounds = state["bounds"]
        log.info("%s: reading resumed at page %s of %s", filename, start + 1, pages)

    def save_point(next_index: int) -> None:
        nonlocal saved
        rows = {
            "pages": pages_col[saved:],
            "positions": positions[saved:],
            "columns": {name: values[saved:] for name, values in columns.items()},
        }
        state = {
            "template": template.name, "next": next_index, "pending": pending, "lost": lost,
            "empty": empty, "printed": printed, "ocr_pages": sorted(ocr_pages),
            "bounds": pdf.bounds,
        }  # fmt: skip
        checkpoint.save(state, rows)
        saved = len(pages_col)

    for index in range(start, pages):
        number = index + 1
        page = doc[index]
        words = first_words if index == 0 else _words(page, number)
        scanned = scanned_first if index == 0 else not words
        if scanned and data_dir and index > 0:
            words = ocr_words(page, number, data_dir)
        if not words:
            empty.append(number)
            continue
        if scanned:
            ocr_pages.add(number)
        text = " ".join(w[4] for w in words)
        if len(text) > MAX_CHARS_PER_PAGE:
            raise StatementError(f"Trang {number}: chữ dài bất thường (tệp “bom”).")
        if page_text_lost(text):
            lost.append(number)
            continue
        if template.totals:
            page_text = "\n".join(" ".join(w[4] for w in line) for line in _lines(words))
            printed += [m.group(1) for m in re.finditer(template.totals, page_text)]
        result = pdf.page_rows(page, number, words)
        if pending is not None:
            for col, extra in enumerate(result.leading):
                pending[2][col].extend(extra)
        if result.rows:
            if pending is not None:
                finish(pending)
            for record in result.rows[:-1]:
                finish(record)
            pending = result.rows[-1]
        if number % 100 == 0:
            pymupdf.TOOLS.store_shrink(100)  # MuPDF's cache of fonts and images: emptied
        if progress is not None and (number % 100 == 0 or number == pages):
            progress(number, pages)
        if checkpoint is not None and number % resume.RESUME_EVERY == 0 and number < pages:
            save_point(index + 1)
    if pending is not None:
        finish(pending)
    count = len(pages_col)
    if lost:
        raise StatementError(
            f"Trang {_pages(lost)}: chữ tiếng Việt bị mất (ký tự NUL hoặc �), không đọc đúng "
            "được nội dung: không nhập gì. Hãy xin ngân hàng tệp xuất lại."
        )
    if not count:
        raise StatementError("Tệp PDF không có dòng giao dịch nào theo mẫu " + template.label)
    blank = [n for n in empty if n < pages]  # a last page may be blank (a signature scan)
    if blank:
        raise StatementError(
            f"Trang {_pages(blank)} không có chữ (bản quét)"
            + ("" if data_dir or not ocr else ", máy chủ chưa cài OCR (tesseract-ocr-vie)")
            + ": không đọc được các dòng của trang đó, nên không nhập gì. Hãy xin ngân hàng "
            "bản điện tử."
        )
    frame = pl.DataFrame(
        {
            "row_no": pl.Series(range(1, count + 1), dtype=pl.Int64),
            **{
                name: pl.Series(
                    [unicodedata.normalize("NFC", v) for v in columns[name]], dtype=pl.Utf8
                )
                if name in columns
                else pl.Series([""] * count, dtype=pl.Utf8)
                for name in FIELDS
            },
            # a template's sender column (VietinBank: "NAME – A/C …"): the donor's name as
            # the bank printed it, preferred to one found in the message (checking.py)
            **(
                {"sender": pl.Series([nfc(v) for v in columns["sender"]], dtype=pl.Utf8)}
                if "sender" in columns
                else {}
            ),
            "page": pl.Series(pages_col, dtype=pl.Int32),
            "position": pl.Series(positions, dtype=pl.Float32),
            # read by OCR from a scanned page: never posted before an officer confirms it
            "ocr": pl.Series([p in ocr_pages for p in pages_col], dtype=pl.Boolean),
        }
    )
    extras = {"template": template, "pages": pages, "printed_totals": printed, "account": ""}
    extras["account"] = printed_account(template, first)
    if template.numbered:
        extras["numbers"] = [
            int(n) if n.isdigit() else None for n in columns.get(template.numbered, [])
        ]
    parsed = Parsed(
        frame=frame,
        layout=template.layout,
        header_row=0,
        filename=filename,
        checksum=reader.checksum(data),
        number_format=template.number_format,
        encoding="PDF",
        pdf=extras,
    )
    return parsed


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:20])
    return shown + (f" (và {len(numbers) - 20} trang khác)" if len(numbers) > 20 else "")


def parse_checks(parsed: Parsed, credits_total: int) -> list[str]:
    """What a PDF's own figures say about the parse: printed totals against the sum of the
    lines, running numbers (STT) without gap or repeat. Vietnamese reasons, empty when fine."""
    extras = getattr(parsed, "pdf", None) or {}
    reasons = []
    from nhandao.lib.money import parse_vnd

    for text in extras.get("printed_totals", []):
        try:
            total = parse_vnd(text)
        except Exception:  # noqa: BLE001 — an unreadable total is itself the reason
            reasons.append(f"Tổng in trên sao kê “{text}” không đọc được.")
            continue
        if total != credits_total:
            reasons.append(
                f"Tổng ghi có in trên sao kê là {_n(total)} đồng, tổng các dòng đọc được là "
                f"{_n(credits_total)} đồng: có dòng bị đọc sai hoặc thiếu."
            )
    numbers = extras.get("numbers") or []
    if numbers:
        pages = parsed.frame["page"].to_list()
        previous = None
        for i, n in enumerate(numbers):
            if n is None:
                reasons.append(f"Trang {pages[i]}: dòng {i + 1} không có số thứ tự đọc được.")
            elif previous is not None and n != previous + 1:
                reasons.append(
                    f"Trang {pages[i]}: số thứ tự nhảy từ {previous} sang {n} "
                    "(thiếu hoặc lặp dòng khi đọc)."
                )
            previous = n if n is not None else previous
            if len(reasons) > 20:
                break
    return reasons


def name_pages(checked) -> None:
    """Each error of a PDF's line names its page: “Trang 12: …”."""
    frame = checked.parsed.frame
    pages = dict(zip(frame["row_no"].to_list(), frame["page"].to_list(), strict=True))
    for item in checked.errors:
        page = pages.get(item["row"])
        if page and not item["reason"].startswith("Trang "):
            item["reason"] = f"Trang {page}: {item['reason']}"
    for item in checked.balance_breaks:
        item["page"] = pages.get(item["row"])


def page_count(data: bytes) -> int:
    """How many pages a PDF has (0 when it cannot be opened: the reading says why)."""
    import pymupdf

    try:
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            return doc.page_count
    except Exception:  # pymupdf raises its own FileDataError and RuntimeErrors
        return 0


def page_png(data: bytes, page: int, dpi: int = 110) -> bytes:
    """Page `page` (1-based) of a PDF as a PNG, for the review beside the parsed fields."""
    doc = open_pdf(data)
    if not 1 <= page <= doc.page_count:
        raise ValueError(page)
    return doc[page - 1].get_pixmap(dpi=dpi).tobytes("png")
