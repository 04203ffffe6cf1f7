"""A drive's lists through the shared import frame (issue #19, items 3 and 4): the
registration list from the blood centre or a school, and the centre's result sheet. Each
row goes through the very action an officer's form uses (actions.register, record_result,
record_deferral) inside one transaction: a row refused by any rule is named (row, column,
reason) and the whole file is rolled back, nothing partial. A row already on the drive
(registered, result or deferral already recorded) is counted as present, not an error, so
the same file again, or a longer version of it, is harmless."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.blood import actions, rules
from nhandao.blood.importers import KINDS, SEXES, _int
from nhandao.blood.models import (
    PIPELINE,
    BloodImport,
    Deferral,
    Donation,
    Donor,
    Drive,
    DriveStatus,
    ImportPurpose,
    Registration,
)
from nhandao.lib import reader
from nhandao.lib.dates import DateError, parse_date
from nhandao.lib.errors import Refused
from nhandao.lib.imports import ImportStatus, rejected_rows_workbook, row_error
from nhandao.lib.names import clean_phone
from nhandao.lib.text import search_key

PERSON = {
    "code": "Mã người hiến",
    "name": "Họ và tên",
    "born": "Ngày sinh",
    "sex": "Giới tính",
    "phone": "Số điện thoại",
    "group": "Nhóm máu",
    "weight": "Cân nặng (kg)",
}
REGISTRATION_COLUMNS = dict(PERSON)
RESULT_COLUMNS = {
    **PERSON,
    "kind": "Loại",
    "volume": "Thể tích (ml)",
    "until": "Hoãn đến ngày",
    "reason": "Lý do",
}
# the columns a file must carry (a result row names the person by code or by name)
REQUIRED = {
    ImportPurpose.REGISTRATIONS: ("name", "born"),
    ImportPurpose.RESULTS: ("name",),
}
COLUMNS = {
    ImportPurpose.REGISTRATIONS: REGISTRATION_COLUMNS,
    ImportPurpose.RESULTS: RESULT_COLUMNS,
}
# which column a refusal of an action points at (Refused.field)
FIELD_COLUMN = {
    "birth_date": "born",
    "donated_on": None,  # the drive's date (no column): age, interval, a donation that day
    "full_name": "name",
    "donor": "name",
    "code": "code",
    "weight_kg": "weight",
    "volume_ml": "volume",
    "kind": "kind",
    "until": "until",
    "sex": "sex",
    "blood_group": "group",
}
# the drive's statuses in which each list is taken (the actions' own rule, said up front)
OPEN_FOR = {
    ImportPurpose.REGISTRATIONS: (DriveStatus.PLANNED, DriveStatus.OPEN, DriveStatus.HELD),
    ImportPurpose.RESULTS: (DriveStatus.HELD,),
}


class _RollBack(Exception):
    """Raised inside the writing transaction when a row was refused: nothing is kept."""


@dataclass
class Row:
    number: int
    code: str = ""
    name: str = ""
    born: date | None = None
    sex: str = ""
    phone: str = ""
    group: str = ""
    weight: int | None = None
    kind: str = ""
    volume: int | None = None
    until: date | None = None
    reason: str = ""


def accepts(drive: Drive, purpose: str) -> bool:
    return drive.status in OPEN_FOR[purpose]


def closed_reason(drive: Drive, purpose: str) -> str:
    if purpose == ImportPurpose.RESULTS:
        return (f"Chỉ nhập bảng kết quả khi đợt ở tình trạng "
                f"“{PIPELINE.label(DriveStatus.HELD)}”.")  # fmt: skip
    return f"Đợt “{drive.name}” đã đóng đăng ký."


def _header_test(purpose):
    def is_header(cells: list[str]) -> bool:
        found = {search_key(c) for c in cells}
        return all(search_key(COLUMNS[purpose][k]) in found for k in REQUIRED[purpose])

    return is_header


def parse_rows(table: reader.Table, purpose: str, today: date) -> tuple[list[Row], list[dict]]:
    """Each row's cells checked on their own (no database): dates, numbers, words."""
    columns = COLUMNS[purpose]
    keys = [search_key(h) for h in table.header]
    index = {k: keys.index(search_key(c)) for k, c in columns.items() if search_key(c) in keys}
    missing = [columns[k] for k in REQUIRED[purpose] if k not in index]
    if missing:
        raise Refused("Thiếu cột: " + ", ".join(f"“{m}”" for m in missing) + ".")
    rows, errors = [], []
    for number, cells in table.rows:

        def cell(name, cells=cells):
            i = index.get(name)
            value = cells[i] if i is not None and i < len(cells) else ""
            if isinstance(value, date):
                return value
            return str(value if value is not None else "").strip()

        before = len(errors)

        def refuse(key, value, reason, number=number):
            errors.append(row_error(number, columns[key], value, reason))

        row = Row(number, code=cell("code").upper(), name=cell("name"))
        if not row.name and not (purpose == ImportPurpose.RESULTS and row.code):
            refuse("name", "", "không được để trống")
        if cell("born"):
            try:
                row.born = parse_date(cell("born"), earliest=date(1900, 1, 1), latest=today)
            except DateError as error:
                refuse("born", cell("born"), str(error))
        elif purpose == ImportPurpose.REGISTRATIONS:
            refuse("born", "", "không được để trống (cần để xét tuổi vào ngày hiến)")
        if cell("sex"):
            row.sex = SEXES.get(search_key(cell("sex")), "")
            if not row.sex:
                refuse("sex", cell("sex"), "ghi Nam hoặc Nữ")
        try:
            row.phone = clean_phone(cell("phone"))
        except ValueError as error:
            refuse("phone", cell("phone"), str(error))
        try:
            rules.parse_group(cell("group"))
            row.group = cell("group")
        except Refused as error:
            refuse("group", cell("group"), error.message)
        row.weight = _int(cell("weight"), columns["weight"], number, errors, 30, 200)
        if purpose == ImportPurpose.RESULTS:
            if row.name and not (row.code or cell("born") or cell("phone")):
                # a name alone would make a new donor on every run: not harmless
                refuse("name", row.name, "ghi thêm mã người hiến, ngày sinh hoặc số điện thoại "
                       "để nhận ra người hiến")  # fmt: skip
            _parse_result(row, cell, refuse, errors, columns)
        if len(errors) == before:
            rows.append(row)
    return rows, errors


def _parse_result(row, cell, refuse, errors, columns):
    """A result row is either a donation (Loại, Thể tích) or a deferral (Hoãn đến ngày)."""
    gave = cell("kind") or cell("volume")
    if gave and cell("until"):
        refuse("until", cell("until"), "một dòng ghi lần hiến hoặc tạm hoãn, không ghi cả hai")
        return
    if cell("until"):
        try:
            row.until = parse_date(cell("until"), earliest=date(1960, 1, 1), latest=date.max)
        except DateError as error:
            refuse("until", cell("until"), str(error))
        row.reason = cell("reason")[:200]
        return
    if not gave:
        refuse("kind", "", "ghi loại và thể tích đã hiến, hoặc ngày hết tạm hoãn")
        return
    row.kind = KINDS.get(search_key(cell("kind")), "")
    if not row.kind:
        refuse("kind", cell("kind"), "ghi Toàn phần, Hồng cầu, Tiểu cầu hoặc Huyết tương")
    before = len(errors)
    row.volume = _int(cell("volume"), columns["volume"], row.number, errors, 1, 1000)
    if row.volume is None and len(errors) == before:
        refuse("volume", "", "không được để trống")


def run(actor, drive: Drive, purpose: str, file_name: str, data: bytes) -> BloodImport:
    """Import a drive's registration list or result sheet: the BloodImport, done (with the
    rows written and the rows already present) or failed with every refused row."""
    target = {"organisation": drive.organisation, "drive": drive, "purpose": purpose}
    earlier = BloodImport.earlier_same_file(reader.checksum(data), **target)
    if earlier is not None and earlier.is_done:
        earlier.repeated = True
        return earlier
    imp = BloodImport(uploaded_by=actor, **target)
    imp.store_file(data, file_name)
    imp.save()
    imp.log_move("", ImportStatus.UPLOADED, actor=actor)
    if not accepts(drive, purpose):
        imp.fail([row_error(0, "", "", closed_reason(drive, purpose))], actor=actor)
        return imp
    try:
        table = reader.read_table(data, file_name, is_header=_header_test(purpose))
        rows, errors = parse_rows(table, purpose, timezone.localdate())
    except Refused as error:
        imp.fail([row_error(0, "", "", error.message)], actor=actor)
        return imp
    imp.rows_read = len(table.rows)
    if not errors:
        imp.move(ImportStatus.COMMITTING, actor=actor, fields=["rows_read"])
        try:
            accepted, present = _write(actor, drive, purpose, rows)
        except _RollBack as rolled_back:
            errors = rolled_back.args[0]
        else:
            imp.rows_accepted, imp.rows_duplicate = accepted, present
            imp.move(ImportStatus.DONE, actor=actor, fields=["rows_accepted", "rows_duplicate"])
            record(actor, "blood.import", imp,
                   after={"drive": drive.pk, "accepted": accepted, "duplicate": present},
                   organisation=drive.organisation)  # fmt: skip
            return imp
    errors.sort(key=lambda e: e["row"])
    imp.fail(errors, actor=actor, fields=["rows_read"])
    return imp


@transaction.atomic
def _write(actor, drive: Drive, purpose: str, rows: list[Row]) -> tuple[int, int]:
    """Every row through its action; _RollBack with the refused rows (all undone)."""
    columns = COLUMNS[purpose]
    errors: list[dict] = []
    accepted = present = 0
    for row in rows:
        try:
            donor = _donor(actor, drive, row, columns)
            if purpose == ImportPurpose.REGISTRATIONS:
                done = _register(actor, drive, donor)
            else:
                done = _result(actor, drive, donor, row)
        except Refused as error:
            key = FIELD_COLUMN.get(error.field or "", "name")
            value = getattr(row, key, "") if key else ""
            value = f"{value:%d/%m/%Y}" if isinstance(value, date) else value
            column = columns[key] if key else ""
            errors.append(row_error(row.number, column, value, error.message))
            continue
        accepted += done
        present += not done
    if errors:
        raise _RollBack(errors)
    return accepted, present


def _donor(actor, drive: Drive, row: Row, columns) -> Donor:
    """The donor of a row: by code, else the person the registry's linkage finds, else a
    new donor under the drive's organiser (the same rules as the officer's form)."""
    if row.code:
        donor = Donor.objects.select_related("individual").filter(code=row.code).first()
        if donor is None:
            raise Refused(f"Không có người hiến mã {row.code}.", field="code")
        if row.name and search_key(row.name) != search_key(donor.individual.full_name):
            raise Refused(f"Mã {row.code} là của {donor.individual.full_name}, không phải "
                          f"“{row.name}”.", field="code")  # fmt: skip
        return _same_person(actor, donor, row)
    donor = actions.find_donor(full_name=row.name, birth_date=row.born, phone=row.phone)
    if donor is not None:
        return _same_person(actor, donor, row)
    return actions.create_donor(
        actor, organisation=drive.organisation, full_name=row.name, birth_date=row.born,
        sex=row.sex, phone=row.phone, commune=drive.commune, blood_group=row.group,
        weight_kg=row.weight,
    )  # fmt: skip


def _same_person(actor, donor: Donor, row: Row) -> Donor:
    """A row matched to a donor already known must say the same of them: another birth date
    or sex means another person (or a typing error) — refused, never merged silently; a
    blood group that differs from the known one is refused too; a group the donor did not
    have yet is taken from the row (the centre's sheet is where it is learnt)."""
    person = donor.individual
    if row.born and person.birth_date and row.born != person.birth_date:
        raise Refused(f"Ngày sinh khác với người hiến {donor.code} đã có "
                      f"({person.birth_date:%d/%m/%Y}).", field="birth_date")  # fmt: skip
    if row.sex and person.sex and row.sex != person.sex:
        raise Refused(f"Giới tính khác với người hiến {donor.code} đã có "
                      f"({person.get_sex_display()}).", field="sex")  # fmt: skip
    abo, rh = rules.parse_group(row.group)
    if abo and donor.abo and (abo != donor.abo or (rh and donor.rh and rh != donor.rh)):
        raise Refused(f"Nhóm máu {abo}{rh} khác với nhóm máu đã biết của người hiến "
                      f"{donor.code} ({donor.blood_group}).", field="blood_group")  # fmt: skip
    if abo and (not donor.abo or (rh and not donor.rh)):
        actions.learn_blood_group(actor, donor, abo, rh)
    return donor


def rejected_workbook(imp: BloodImport) -> bytes:
    """The refused rows as they were in the file, with the row number and the reason
    (lib.imports.rejected_rows_workbook), for a drive's list or a donor-and-history file."""
    from nhandao.blood import importers

    is_header = (
        importers._is_header if imp.purpose == ImportPurpose.HISTORY else _header_test(imp.purpose)
    )
    try:
        table = reader.read_table(imp.read_file(), imp.file_name, is_header=is_header)
        header, by_number = table.header, dict(table.rows)
    except (Refused, ValueError, OSError):
        header, by_number = [], {}
    return rejected_rows_workbook(imp.errors, header, by_number)


def _register(actor, drive: Drive, donor: Donor) -> bool:
    """True: registered now; False: already registered for the drive."""
    if Registration.objects.filter(drive=drive, donor=donor).exists():
        return False
    actions.register(actor, drive, donor)
    return True


def _result(actor, drive: Drive, donor: Donor, row: Row) -> bool:
    """True: recorded now; False: this drive already holds the same kind of line for them."""
    if row.until is not None:
        if Deferral.objects.filter(drive=drive, donor=donor).exists():
            return False
        actions.record_deferral(actor, drive, donor, until=row.until, reason=row.reason)
        return True
    if Donation.objects.filter(drive=drive, donor=donor).exists():
        return False
    # confirm_early stays False: a donation inside the interval is refused in a file (the
    # centre's confirmation is entered on its own, as in the history import)
    actions.record_result(actor, drive, donor, kind=row.kind, volume_ml=row.volume,
                          weight_kg=row.weight)  # fmt: skip
    return True
