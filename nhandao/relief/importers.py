"""Importing a beneficiary list for a distribution round from Excel (.xlsx, read with
python-calamine) or CSV (read with polars).

An import is a record (LineImport): the uploaded file, its SHA-256, who and when, status,
counts and per-row errors (row, column, reason in Vietnamese). The steps:

    start()   keep the file and check every row (preview); nothing reaches the round yet
    commit()  check again and add every new row to the round's list, or none
    discard() drop a preview
    rejected_workbook()  the refused rows as they were, with a reason column

Recipients are found in the registry by household code (Mã hộ), person code (Mã đối tượng)
or citizen id (Số CCCD); reach, duplicates and earmarks are checked by
actions.line_problems, the same rules as any other way of adding lines. A row whose recipient
is already in the round's list with the same value is counted as known and skipped, and the
same file uploaded again for the same round is recognised by its checksum: re-importing
changes nothing and says so.
"""

import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.beneficiaries.models import Household, Person
from nhandao.lib import reader
from nhandao.lib.money import AmountError, format_vnd, parse_vnd
from nhandao.lib.text import search_key
from nhandao.orgs import access
from nhandao.relief import actions, rules
from nhandao.relief.models import (
    IMPORT_TRANSITIONS,
    DistributionLine,
    DistributionRound,
    ImportStatus,
    LineImport,
    LineStatus,
)
from nhandao.relief.rules import ReliefError

IS = ImportStatus
PREVIEW_ROWS = 500  # rows kept for the preview page
MAX_ERRORS = 5000

# normalised header → field
HEADERS = {
    "ma ho": "household",
    "ma ho gia dinh": "household",
    "ma doi tuong": "person",
    "ma nguoi nhan": "person",
    "so cccd": "id_number",
    "cccd": "id_number",
    "so cccd/cmnd": "id_number",
    "cccd/cmnd": "id_number",
    "so dinh danh": "id_number",
    "ho va ten": "name",
    "ho ten": "name",
    "ten nguoi nhan": "name",
    "so tien": "value",
    "tri gia": "value",
    "tri gia (dong)": "value",
    "so tien (dong)": "value",
    "so luong": "quantity",
}
LABELS = {
    "household": "Mã hộ",
    "person": "Mã đối tượng",
    "id_number": "Số CCCD",
    "name": "Họ và tên",
    "value": "Số tiền",
    "quantity": "Số lượng",
}
TEMPLATE_HEADERS = ["STT", "Mã hộ", "Mã đối tượng", "Số CCCD", "Họ và tên", "Số tiền", "Số lượng"]


def error(row: int, column: str, message: str) -> dict:
    """One problem: `row` as numbered in the spreadsheet (0: the file as a whole)."""
    return {"row": row, "column": column, "message": message}


def error_text(e: dict) -> str:
    if not e["row"]:
        return e["message"]
    if e["column"]:
        return f"Dòng {e['row']}, cột “{e['column']}”: {e['message']}"
    return f"Dòng {e['row']}: {e['message']}"


class ImportRejected(ReliefError):
    """The file is refused; `errors` are the messages (each a reason about the upload's
    `file`), `batch` the import record whose rejected rows a client can fetch, `details`
    the errors as stored ({row, column, message}) when the reader named rows."""

    def __init__(
        self, errors: list[str], batch: LineImport | None = None, details: list | None = None
    ):
        super().__init__("\n".join(errors), field="file")
        self.errors = errors
        self.batch = batch
        self.details = details or [error(0, "", message) for message in errors]

    def facts(self) -> dict:
        return {"import_id": self.batch.pk if self.batch else None}


# ---- reading ----------------------------------------------------------------------------


def read_rows(filename: str, data: bytes) -> reader.Table:
    """The list's header and rows (numbered as in the file), read by lib.reader: encoding,
    `;`, the header row found among the first rows, limits, bombs, truncation."""
    if not filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")):
        raise ImportRejected(["Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."])
    try:
        return reader.read_table(data, filename, is_header=lambda cells: bool(_columns(cells)))
    except reader.FileRefused as exc:
        details = [error(e.row, e.column, _reason(e)) for e in exc.row_errors()]
        raise ImportRejected([error_text(e) for e in details], details=details) from None


def _reason(e: reader.RowError) -> str:
    return f"“{e.value[:60]}”: {e.reason}" if e.row and e.value else e.reason


_text = reader.cell_text


def _quantity(value) -> Decimal | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _text(value).replace(" ", "").replace(",", ".")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


# ---- checking ---------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    column: str = ""  # the column that named the recipient
    household: Household | None = None
    person: Person | None = None
    value: int | None = None
    quantity: Decimal | None = None
    ok: bool = True  # no error of its own (value, quantity, name)

    @property
    def entry(self) -> tuple:
        return (f"Dòng {self.number}", self.household, self.person, self.value, self.quantity)


@dataclass
class Checked:
    rows: int = 0
    entries: list[tuple] = field(default_factory=list)  # new lines, for actions.add_lines
    known: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)


def _columns(header: list) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(header):
        name = HEADERS.get(search_key(_text(cell)))
        if name and name not in columns:
            columns[name] = index
    return columns


def _column_errors(rnd, columns) -> list[dict]:
    errors = []
    if not {"household", "person", "id_number"} & columns.keys():
        errors.append(
            "Thiếu cột xác định người nhận: cần một trong các cột “Mã hộ”, "
            "“Mã đối tượng”, “Số CCCD”."
        )
    if "value" not in columns and not rnd.is_goods:
        errors.append("Thiếu cột “Số tiền”.")
    if rnd.is_goods and "quantity" not in columns:
        errors.append("Thiếu cột “Số lượng” (đợt cấp hàng).")
    return [error(0, "", message) for message in errors]


def _parse_rows(rnd, columns, data_rows) -> tuple[list[Row], list[dict]]:
    """Each data row read on its own: recipient found in the registry, name, value, quantity."""

    def cell(row, name):
        i = columns.get(name)
        return row[i] if i is not None and i < len(row) else None

    hh_ids, p_ids, ids = set(), set(), set()
    for _, row in data_rows:
        if _text(cell(row, "household")).isdigit():
            hh_ids.add(int(_text(cell(row, "household"))))
        if _text(cell(row, "person")).isdigit():
            p_ids.add(int(_text(cell(row, "person"))))
        if _text(cell(row, "id_number")):
            ids.add(_text(cell(row, "id_number")))
    # Only records the round's organisation serves: a code or number of anyone else's reads
    # as unknown, so a file cannot reveal who is registered elsewhere (names included).
    serves = rules.serves_q(rnd.organisation)
    households = Household.objects.filter(serves).select_related("head", "commune")
    households = households.in_bulk(hh_ids)
    persons = Person.objects.filter(serves).select_related("commune").in_bulk(p_ids)
    by_id: dict[str, list] = {}
    served = Person.objects.filter(serves, id_number__in=ids, status="active")
    for p in served.select_related("commune"):
        by_id.setdefault(p.id_number, []).append(p)

    parsed, errors = [], []
    for n, row in data_rows:
        found = Row(number=n)

        def fail(name, message, found=found):
            errors.append(error(found.number, LABELS[name] if name else "", message))
            found.ok = False

        hh_text, p_text = _text(cell(row, "household")), _text(cell(row, "person"))
        id_text = _text(cell(row, "id_number"))
        if hh_text:
            found.column = LABELS["household"]
            found.household = households.get(int(hh_text)) if hh_text.isdigit() else None
            if found.household is None:
                fail("household", f"không có hộ mã “{hh_text}” trong sổ đối tượng.")
        elif p_text:
            found.column = LABELS["person"]
            found.person = persons.get(int(p_text)) if p_text.isdigit() else None
            if found.person is None:
                fail("person", f"không có đối tượng mã “{p_text}”.")
        elif id_text:
            found.column = LABELS["id_number"]
            matches = by_id.get(id_text, [])
            if len(matches) == 1:
                found.person = matches[0]
            else:
                reason = "không có trong sổ đối tượng" if not matches else "trùng nhiều hồ sơ"
                fail("id_number", f"số “{id_text}” {reason}.")
        else:
            fail(None, "thiếu mã hộ, mã đối tượng hoặc số CCCD.")
        name = _text(cell(row, "name"))
        person, household = found.person, found.household
        if name and (person or household):
            known = (
                person.name_key
                if person
                else (household.head.name_key if household.head_id else "")
            )
            if known and search_key(name) != known:
                fail("name", f"“{name}” không khớp hồ sơ trong sổ đối tượng.")
        raw_value = cell(row, "value")
        if _text(raw_value):
            try:
                found.value = parse_vnd(raw_value)
            except AmountError as exc:
                found.value = None
                fail("value", f"“{_text(raw_value)}” không phải số tiền hợp lệ: {exc}")
            if found.value == 0 and not rnd.is_goods:
                fail("value", "số tiền phải lớn hơn 0.")
        elif rnd.is_goods:
            found.value = 0
        else:
            fail("value", "thiếu số tiền.")
        if rnd.is_goods:
            found.quantity = _quantity(cell(row, "quantity"))
            if found.quantity is None or found.quantity <= 0:
                found.quantity = None
                fail("quantity", "cần một số lớn hơn 0.")
        parsed.append(found)
    return parsed, errors


def _same(line_value, line_quantity, row: Row) -> bool:
    if line_value != row.value:
        return False
    return line_quantity is None or row.quantity is None or line_quantity == row.quantity


def check(rnd, table: reader.Table) -> Checked:
    """Every row of the file checked against the registry and the round; writes nothing."""
    result = Checked()
    if not table.header and not table.rows:
        result.errors.append(error(0, "", "Tệp không có dữ liệu."))
        return result
    columns = _columns(table.header)
    result.errors = _column_errors(rnd, columns)
    try:
        actions.check_accepts_lines(rnd)
    except ReliefError as exc:
        result.errors.append(error(0, "", str(exc)))
    if result.errors:
        return result
    data_rows = table.rows  # blank rows left out by the reader
    result.rows = len(data_rows)
    parsed, errors = _parse_rows(rnd, columns, data_rows)
    result.errors += errors

    # already in the round's list: the same value is a known row (skipped), another an error
    in_round = DistributionLine.objects.filter(round=rnd).exclude(status=LineStatus.CANCELLED)
    by_household = {
        hh: (value, qty)
        for hh, value, qty in in_round.filter(household__isnull=False).values_list(
            "household_id", "value", "quantity"
        )
    }
    by_person = {
        p: (value, qty)
        for p, value, qty in in_round.filter(person__isnull=False).values_list(
            "person_id", "value", "quantity"
        )
    }
    candidates, seen, known_rows = [], set(), set()
    for row in parsed:
        if row.household is None and row.person is None:
            continue
        key = ("h", row.household.pk) if row.household else ("p", row.person.pk)
        present = (by_household if row.household else by_person).get(key[1])
        if present is not None and key not in seen and row.ok:
            seen.add(key)
            if _same(*present, row):
                known_rows.add(row.number)
                continue
            row.ok = False
            result.errors.append(
                error(
                    row.number,
                    row.column,
                    f"“{actions.recipient_label(row.household, row.person)}” đã có trong danh "
                    f"sách của đợt này với trị giá {format_vnd(present[0])} "
                    f"(tệp ghi {format_vnd(row.value)}).",
                )
            )
            continue
        seen.add(key)
        candidates.append(row)

    fields = {"value": LABELS["value"], "quantity": LABELS["quantity"]}
    for index, name, message in actions.line_problems(
        rnd, [row.entry for row in candidates], check_values=False
    ):
        row = candidates[index]
        row.ok = False
        result.errors.append(error(row.number, fields.get(name, row.column), message))
    result.errors.sort(key=lambda e: e["row"])
    result.known = len(known_rows)
    result.entries = [row.entry for row in candidates if row.ok]

    for row in parsed[:PREVIEW_ROWS]:
        recipient = row.person or row.household
        commune = recipient.commune if recipient is not None else None
        result.preview.append(
            {
                "row": row.number,
                "name": actions.recipient_label(row.household, row.person),
                "commune": commune.name if commune is not None else "",
                "value": row.value,
                "quantity": str(row.quantity) if row.quantity is not None else None,
                "known": row.number in known_rows,
                "ok": row.ok,
            }
        )
    if not result.errors and result.entries:
        result.warnings = _budget_warnings(rnd, result.entries)
    if not result.entries and not result.known and not result.errors:
        result.errors.append(error(0, "", "Tệp không có dòng dữ liệu nào."))
    return result


def _budget_warnings(rnd, entries) -> list[dict]:
    """The list would not fit the fund or the stock (opening the round will refuse it)."""
    planned, have = actions.round_budget(rnd)
    if rnd.is_goods:
        need = sum(e[4] for e in entries) + planned
        if need > have:
            return [
                error(
                    0,
                    "",
                    f"Danh sách cần {need:f} {rnd.item.unit} {rnd.item.name}, kho "
                    f"“{rnd.warehouse}” còn {have:f}: cần nhập thêm hàng trước khi cấp phát.",
                )
            ]
        return []
    need = sum(e[3] for e in entries) + planned
    if need > have:
        return [
            error(
                0,
                "",
                f"Danh sách (kể cả các dòng đã có) cần {format_vnd(need)}, quỹ chiến dịch của "
                f"“{rnd.organisation}” còn {format_vnd(have)}: cần phân bổ thêm trước khi "
                "bắt đầu cấp phát.",
            )
        ]
    return []


# ---- the steps --------------------------------------------------------------------------


def _require_edit(actor, rnd) -> None:
    if not access.can(actor, "edit", rnd.organisation):
        raise PermissionDenied("Bạn không có quyền sửa danh sách đợt này.")


def _apply(batch: LineImport, checked: Checked) -> None:
    batch.rows, batch.known_rows = checked.rows, checked.known
    batch.new_rows = len(checked.entries)
    batch.total_value = sum(int(e[3] or 0) for e in checked.entries)
    batch.total_quantity = sum((e[4] or 0 for e in checked.entries), Decimal(0))
    batch.errors, batch.warnings = checked.errors[:MAX_ERRORS], checked.warnings
    batch.preview = checked.preview


def preview(batch: LineImport) -> LineImport:
    """Read and check every row; record counts, errors and the preview. Writes no line."""
    rnd = DistributionRound.objects.select_related(
        "organisation", "campaign", "item", "warehouse", "commune"
    ).get(pk=batch.round_id)
    try:
        checked = check(rnd, read_rows(batch.file_name, bytes(batch.content)))
    except ImportRejected as exc:
        checked = Checked(errors=exc.details)
    _apply(batch, checked)
    batch.status = IS.INVALID if checked.errors else IS.PREVIEW
    batch.save()
    return batch


def start(actor, rnd, file_name: str, content: bytes) -> tuple[LineImport, bool]:
    """Keep an uploaded list and check it: (the import, whether it is new). The same file
    already imported into (or waiting for) this round gives back that import, unchanged."""
    _require_edit(actor, rnd)
    checksum = hashlib.sha256(content).hexdigest()
    earlier = (
        LineImport.objects.filter(round=rnd, checksum=checksum, status__in=[IS.DONE, IS.PREVIEW])
        .order_by("status", "-pk")  # "done" < "preview": a finished import first
        .first()
    )
    if earlier is not None and earlier.status == IS.DONE:
        return earlier, False
    if earlier is not None:
        return preview(earlier), False
    batch = LineImport(
        round=rnd,
        organisation_id=rnd.organisation_id,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        file_name=file_name[:255],
        content=content,
        checksum=checksum,
    )
    batch.save()
    return preview(batch), True


def repeat_message(batch: LineImport) -> str:
    """What to tell someone who uploads a file this round already has."""
    when = timezone.localtime(batch.finished_at or batch.uploaded_at)
    if batch.status == IS.DONE:
        return (
            f"Tệp này (cùng nội dung với “{batch.file_name}”) đã được nhập vào đợt lúc "
            f"{when:%H:%M %d/%m/%Y} ({batch.created} dòng). Không nhập lại: danh sách của "
            "đợt không thay đổi."
        )
    return (
        f"Tệp này (cùng nội dung với “{batch.file_name}”) đã được tải lên lúc "
        f"{when:%H:%M %d/%m/%Y} và đang chờ xác nhận; đây là bản xem trước của nó."
    )


def _move(batch, to_status) -> None:
    if to_status not in IMPORT_TRANSITIONS[batch.status]:
        if batch.status == IS.DONE:
            raise ReliefError(repeat_message(batch))
        raise ReliefError(
            f"Tệp “{batch.file_name}” đang ở tình trạng “{batch.get_status_display()}”, "
            f"không chuyển sang “{ImportStatus(to_status).label}” được."
        )
    batch.status = to_status


class _Refused(Exception):
    def __init__(self, errors: list[dict], checked: Checked | None = None):
        self.errors, self.checked = errors, checked


def commit(actor, batch: LineImport) -> list[DistributionLine]:
    """Check the file again and add all its new rows to the round, or none. On errors the
    import becomes invalid (with the errors) and ImportRejected is raised."""
    if batch.status == IS.INVALID:
        raise ImportRejected([error_text(e) for e in batch.errors], batch)
    try:
        with transaction.atomic():
            locked = LineImport.objects.select_for_update().get(pk=batch.pk)
            rnd = (
                DistributionRound.objects.select_for_update(of=("self",))
                .select_related("organisation", "campaign", "item", "warehouse", "commune")
                .get(pk=locked.round_id)
            )
            _require_edit(actor, rnd)
            _move(locked, IS.DONE)
            try:
                checked = check(rnd, read_rows(locked.file_name, bytes(locked.content)))
            except ImportRejected as exc:
                raise _Refused(exc.details) from exc
            if checked.errors:
                raise _Refused(checked.errors, checked)
            try:
                lines = (
                    actions.add_lines(actor, rnd, checked.entries, source="import")
                    if checked.entries
                    else []
                )
            except ReliefError as exc:  # changed since the check (a concurrent request)
                raise _Refused([error(0, "", m) for m in str(exc).split("\n")]) from exc
            _apply(locked, checked)
            locked.status, locked.created = IS.DONE, len(lines)
            locked.committed_by, locked.finished_at = actor, timezone.now()
            locked.save()
            record(
                actor,
                "relief.lines_imported",
                rnd,
                after={
                    "import": locked.pk,
                    "filename": locked.file_name,
                    "sha256": locked.checksum,
                    "rows": locked.rows,
                    "created": len(lines),
                    "known": locked.known_rows,
                },
            )
    except _Refused as refused:  # the transaction rolled back: record why, then refuse
        fresh = LineImport.objects.get(pk=batch.pk)
        if refused.checked is not None:
            _apply(fresh, refused.checked)
        fresh.errors, fresh.status = refused.errors[:MAX_ERRORS], IS.INVALID
        fresh.save()
        batch.refresh_from_db()
        raise ImportRejected([error_text(e) for e in refused.errors], batch) from None
    except IntegrityError as exc:  # the same file committed meanwhile by another request
        raise ReliefError("Tệp này vừa được nhập vào đợt; danh sách không thay đổi.") from exc
    batch.refresh_from_db()
    return lines


@transaction.atomic
def discard(actor, batch: LineImport) -> LineImport:
    batch = LineImport.objects.select_for_update().get(pk=batch.pk)
    _require_edit(actor, batch.round)
    _move(batch, IS.DISCARDED)
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    record(actor, "relief.import_discarded", batch, after={"filename": batch.file_name})
    return batch


def import_lines(actor, rnd, *, filename: str, data: bytes) -> list[DistributionLine]:
    """Upload, check and commit in one step (the API, scripts): every new row or none.
    The same file again adds nothing."""
    batch, _new = start(actor, rnd, filename, data)
    if batch.status == IS.DONE:
        return []
    return commit(actor, batch)


# ---- the refused rows as a workbook -----------------------------------------------------


def rejected_workbook(batch: LineImport) -> bytes:
    """The refused rows as they were in the file, with the row number and the reason."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    try:
        table = read_rows(batch.file_name, bytes(batch.content))
        header, cells = table.header, dict(table.rows)
    except ImportRejected:
        header, cells = [], {}
    by_row: dict[int, list[str]] = {}
    for e in batch.errors:
        text = f"{e['column']}: {e['message']}" if e["column"] else e["message"]
        by_row.setdefault(e["row"], []).append(text)
    book = Workbook()
    sheet = book.active
    sheet.title = "Dòng bị từ chối"
    sheet.append(["Dòng", *header, "Lý do từ chối"])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="C8102E")
    width = len(header)
    for number in sorted(by_row):
        values = list(cells.get(number, []))
        values = (values + [None] * width)[:width]
        sheet.append([number or "", *values, "; ".join(by_row[number])])
    sheet.column_dimensions[sheet.cell(1, width + 2).column_letter].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
