"""The donor-and-history workbook (issue #19, item 9): one row per donation, donors
repeated. Read through lib.reader, kept on the import frame (BloodImport), checked whole
before anything is written (every rule of the result sheet, row by row), then written in
one transaction; rows already recorded (the same donor code and date) are skipped, and the
very same file for the same organisation is answered by its earlier import."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.blood import actions, rules
from nhandao.blood.models import BloodImport, Donation, Donor, ImportPurpose, Kind
from nhandao.lib import reader
from nhandao.lib.dates import DateError, parse_date
from nhandao.lib.errors import Refused
from nhandao.lib.imports import ImportStatus, error_text, row_error
from nhandao.lib.names import clean_phone
from nhandao.lib.text import search_key
from nhandao.orgs.models import AdminMap, AdminUnit

COLUMNS = {
    "code": "Mã người hiến",
    "name": "Họ và tên",
    "born": "Ngày sinh",
    "sex": "Giới tính",
    "weight": "Cân nặng (kg)",
    "group": "Nhóm máu",
    "phone": "Số điện thoại",
    "commune": "Mã xã/phường",
    "day": "Ngày hiến",
    "kind": "Loại",
    "volume": "Thể tích (ml)",
}
REQUIRED = ("code", "name", "day", "kind", "volume")
KINDS = {
    "toan phan": Kind.WHOLE,
    "mau toan phan": Kind.WHOLE,
    "hong cau": Kind.RED_CELLS,
    "tieu cau": Kind.PLATELETS,
    "huyet tuong": Kind.PLASMA,
}
SEXES = {"nam": "male", "nu": "female"}


class ImportFileError(Refused):
    """The file as a whole cannot be taken (unreadable, columns missing)."""


@dataclass
class Row:
    number: int
    code: str
    name: str
    born: date | None
    sex: str
    weight: int | None
    abo: str
    rh: str
    phone: str
    commune: AdminUnit | None
    day: date
    kind: str
    volume: int


def _is_header(cells: list[str]) -> bool:
    found = {search_key(c) for c in cells}
    return all(search_key(COLUMNS[k]) in found for k in REQUIRED)


def _int(text: str, column: str, number: int, errors: list, low: int, high: int) -> int | None:
    text = str(text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors.append(row_error(number, column, text, "không phải số"))
        return None
    if not low <= value <= high:
        errors.append(row_error(number, column, text, f"phải từ {low} đến {high}"))
        return None
    return round(value)


def parse_rows(table: reader.Table, today: date) -> tuple[list[Row], list[dict]]:
    """Every row checked on its own (fields); the history rules come after (check_history)."""
    index = {}
    keys = [search_key(h) for h in table.header]
    for name, column in COLUMNS.items():
        if search_key(column) in keys:
            index[name] = keys.index(search_key(column))
    missing = [COLUMNS[k] for k in REQUIRED if k not in index]
    if missing:
        raise ImportFileError("Thiếu cột: " + ", ".join(f"“{m}”" for m in missing) + ".")
    communes = {}
    rows, errors = [], []
    for number, cells in table.rows:

        def cell(name, cells=cells):
            i = index.get(name)
            value = cells[i] if i is not None and i < len(cells) else ""
            return (
                value
                if isinstance(value, date)
                else str(value if value is not None else "").strip()
            )

        before = len(errors)
        code = cell("code").upper()
        name = cell("name")
        for key, value in (("code", code), ("name", name)):
            if not value:
                errors.append(row_error(number, COLUMNS[key], "", "không được để trống"))
        born = None
        if cell("born"):
            try:
                born = parse_date(cell("born"), earliest=date(1900, 1, 1), latest=today)
            except DateError as error:
                errors.append(row_error(number, COLUMNS["born"], cell("born"), str(error)))
        sex = ""
        if cell("sex"):
            sex = SEXES.get(search_key(cell("sex")), "")
            if not sex:
                errors.append(row_error(number, COLUMNS["sex"], cell("sex"), "ghi Nam hoặc Nữ"))
        weight = _int(cell("weight"), COLUMNS["weight"], number, errors, 30, 200)
        abo = rh = ""
        try:
            abo, rh = rules.parse_group(cell("group"))
        except Refused as error:
            errors.append(row_error(number, COLUMNS["group"], cell("group"), error.message))
        phone = ""
        try:
            phone = clean_phone(cell("phone"))
        except ValueError as error:
            errors.append(row_error(number, COLUMNS["phone"], cell("phone"), str(error)))
        commune = None
        if cell("commune"):
            code_c = cell("commune")
            if code_c not in communes:
                communes[code_c] = (
                    AdminUnit.objects.filter(
                        map=AdminMap.NEW, level="commune", code=code_c.lstrip("0") or "0"
                    ).first()
                    or AdminUnit.objects.filter(
                        map=AdminMap.NEW, level="commune", code=code_c
                    ).first()
                )
            commune = communes[code_c]
            if commune is None:
                errors.append(row_error(number, COLUMNS["commune"], code_c,
                                        "không có xã/phường mã này trên bản đồ mới"))  # fmt: skip
        day = None
        try:
            day = parse_date(cell("day"), earliest=date(1960, 1, 1), latest=date.max)
            if day > today:
                errors.append(row_error(number, COLUMNS["day"], cell("day"),
                                        f"ngày hiến {day:%d/%m/%Y} ở tương lai"))  # fmt: skip
        except DateError as error:
            errors.append(row_error(number, COLUMNS["day"], cell("day"), str(error)))
        kind = KINDS.get(search_key(cell("kind")))
        if kind is None:
            reason = "ghi Toàn phần, Hồng cầu, Tiểu cầu hoặc Huyết tương"
            errors.append(row_error(number, COLUMNS["kind"], cell("kind"), reason))
        volume = _int(cell("volume"), COLUMNS["volume"], number, errors, 1, 1000)
        if volume is None and not any(e["column"] == COLUMNS["volume"] for e in errors[before:]):
            errors.append(row_error(number, COLUMNS["volume"], "", "không được để trống"))
        if len(errors) == before:
            rows.append(Row(number, code, name, born, sex, weight, abo, rh, phone, commune,
                            day, kind, volume))  # fmt: skip
    return rows, errors


def check_history(rows: list[Row]) -> list[dict]:
    """The rules of a donation on each row, in date order per donor, with the history the
    database already holds: age and weight at the date, the volume, the interval."""
    errors = []
    by_donor = defaultdict(list)
    for row in rows:
        by_donor[row.code].append(row)
    known = {d.code: d for d in Donor.objects.filter(code__in=list(by_donor)).select_related(
        "individual")}  # fmt: skip
    history = defaultdict(list)
    for code, day, kind in Donation.objects.filter(donor__code__in=list(known)).values_list(
        "donor__code", "donated_on", "kind"
    ):
        history[code].append((day, kind, 0))
    table = rules.rule_table()
    for code, donor_rows in by_donor.items():
        first = donor_rows[0]
        donor = known.get(code)
        born = donor.individual.birth_date if donor else first.born
        sex = donor.individual.sex if donor else first.sex
        if donor is None and any(r.name != first.name for r in donor_rows):
            row = next(r for r in donor_rows if r.name != first.name)
            reason = f"mã {code} ở dòng {first.number} mang tên “{first.name}”"
            errors.append(row_error(row.number, COLUMNS["name"], row.name, reason))
        known_days = {day for day, _, _ in history[code]}
        file_days: dict[date, int] = {}
        for row in donor_rows:
            try:
                rules.check_age(born, row.day)
            except Refused as error:
                day_text = f"{row.day:%d/%m/%Y}"
                errors.append(row_error(row.number, COLUMNS["day"], day_text, error.message))
            try:
                rules.check_volume(sex, row.weight, row.kind, row.volume)
            except Refused as error:
                column = COLUMNS["weight"] if error.field == "weight_kg" else COLUMNS["volume"]
                errors.append(row_error(row.number, column, row.volume, error.message))
            if row.day in file_days:
                errors.append(
                    row_error(row.number, COLUMNS["day"], f"{row.day:%d/%m/%Y}",
                              f"trùng ngày hiến với dòng {file_days[row.day]}")
                )  # fmt: skip
            file_days.setdefault(row.day, row.number)
        new = [(r.day, r.kind, r.number) for r in donor_rows if r.day not in known_days]
        events = sorted(history[code] + new)
        for (before_day, before_kind, _), (day, _, number) in zip(events, events[1:], strict=False):
            if not number or day == before_day:
                continue
            wait = rules.interval_days(before_kind, before_day, table)
            ready = before_day + timedelta(days=wait)
            if day < ready:
                reason = (
                    f"chưa đủ khoảng cách sau lần hiến {before_day:%d/%m/%Y}; dự kiến từ "
                    f"{ready:%d/%m/%Y} (chỉ ghi khi cơ sở tiếp nhận máu xác nhận: nhập riêng "
                    "lần hiến này)"
                )
                errors.append(row_error(number, COLUMNS["day"], f"{day:%d/%m/%Y}", reason))
    return errors


def run(actor, organisation, file_name: str, data: bytes) -> BloodImport:
    """Import the workbook for `organisation`: the BloodImport, done or failed with its
    errors (nothing written when any row is refused)."""
    earlier = BloodImport.earlier_same_file(
        reader.checksum(data), organisation=organisation, purpose=ImportPurpose.HISTORY
    )
    if earlier is not None and earlier.is_done:
        earlier.repeated = True
        return earlier
    imp = BloodImport(organisation=organisation, uploaded_by=actor)
    imp.store_file(data, file_name)
    imp.save()
    imp.log_move("", ImportStatus.UPLOADED, actor=actor)
    today = timezone.localdate()
    try:
        table = reader.read_table(data, file_name, is_header=_is_header)
        rows, errors = parse_rows(table, today)
    except Refused as error:
        imp.fail([row_error(0, "", "", error.message)], actor=actor)
        return imp
    imp.rows_read = len(table.rows)
    errors += check_history(rows)
    if errors:
        errors.sort(key=lambda e: e["row"])
        imp.fail(errors, actor=actor, fields=["rows_read"])
        return imp
    imp.move(ImportStatus.COMMITTING, actor=actor, fields=["rows_read"])
    accepted, duplicate = _write(actor, organisation, rows)
    imp.rows_accepted, imp.rows_duplicate = accepted, duplicate
    imp.move(ImportStatus.DONE, actor=actor, fields=["rows_accepted", "rows_duplicate"])
    record(actor, "blood.import", imp, after={"accepted": accepted, "duplicate": duplicate},
           organisation=organisation)  # fmt: skip
    return imp


@transaction.atomic
def _write(actor, organisation, rows: list[Row]) -> tuple[int, int]:
    donors = {d.code: d for d in Donor.objects.filter(code__in={r.code for r in rows})}
    existing = set(
        Donation.objects.filter(donor__in=donors.values()).values_list("donor__code", "donated_on")
    )
    accepted = duplicate = 0
    touched = set()
    for row in rows:
        donor = donors.get(row.code)
        if donor is None:
            donor = actions.find_donor(full_name=row.name, birth_date=row.born, phone=row.phone)
        if donor is None:
            donor = actions.create_donor(
                actor, organisation=organisation, full_name=row.name, birth_date=None,
                sex=row.sex, phone=row.phone, commune=row.commune,
                blood_group=f"{row.abo}{row.rh}", weight_kg=row.weight, code=row.code,
            )  # fmt: skip
            if row.born:  # checked at each donation's date, not today's
                individual = donor.individual
                individual.birth_date = row.born
                individual.save(update_fields=["birth_date"])
        donors[row.code] = donor
        if (row.code, row.day) in existing:
            duplicate += 1
            continue
        Donation.objects.create(
            donor=donor,
            organisation=organisation,
            donated_on=row.day,
            kind=row.kind,
            volume_ml=row.volume,
            weight_kg=row.weight,
        )
        existing.add((row.code, row.day))
        accepted += 1
        touched.add(donor.pk)
    table = rules.rule_table()
    for donor in Donor.objects.filter(pk__in=touched):
        rules.refresh_donor(donor, table)
    return accepted, duplicate


def errors_text(imp: BloodImport) -> list[str]:
    return [error_text(e) for e in imp.errors]
