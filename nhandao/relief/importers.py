"""Importing a beneficiary list for a distribution round from Excel (.xlsx, read with
python-calamine) or CSV (read with polars).

Every row is checked before anything is written; a single bad row rejects the file, and
each message names the row and the column in Vietnamese ("Dòng 5, cột “Số tiền”: …").
Recipients are found in the registry by household code (Mã hộ), person code (Mã đối tượng)
or citizen id (Số CCCD); reach, duplicates and earmarks are checked by actions.add_lines,
with the same row labels. Each accepted import is recorded in the audit trail with the
file's name and SHA-256.
"""

import hashlib
import io
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction

from nhandao.audit.actions import record
from nhandao.beneficiaries.models import Household, Person
from nhandao.lib.text import search_key
from nhandao.relief import actions
from nhandao.relief.rules import ReliefError

# normalised header → (field, label shown in messages)
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


class ImportRejected(ReliefError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def read_rows(filename: str, data: bytes) -> list[list]:
    """All rows (the first one is the header) as lists of cell values."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:  # noqa: BLE001 — any unreadable workbook
            raise ImportRejected([f"Không đọc được tệp Excel: {exc}"]) from exc
    if name.endswith((".csv", ".txt")):
        import polars as pl

        try:
            frame = pl.read_csv(
                io.BytesIO(data),
                has_header=False,
                infer_schema=False,
                truncate_ragged_lines=True,
                encoding="utf8-lossy",
            )
        except Exception as exc:  # noqa: BLE001
            raise ImportRejected([f"Không đọc được tệp CSV: {exc}"]) from exc
        return [list(row) for row in frame.iter_rows()]
    raise ImportRejected(["Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."])


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _money(value) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else None
    text = re.sub(r"\s|₫|đ|vnd", "", _text(value).lower())
    text = text.replace(".", "").replace(",", "")
    return int(text) if text.isdigit() else None


def _quantity(value) -> Decimal | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _text(value).replace(" ", "").replace(",", ".")
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def parse(rnd, rows: list[list]) -> tuple[list, list[str]]:
    """(entries for actions.add_lines, errors). Finds recipients in the registry."""
    if not rows:
        return [], ["Tệp không có dữ liệu."]
    columns = {}
    for index, header in enumerate(rows[0]):
        field = HEADERS.get(search_key(_text(header)))
        if field and field not in columns:
            columns[field] = index
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
    if errors:
        return [], errors

    def cell(row, field):
        i = columns.get(field)
        return row[i] if i is not None and i < len(row) else None

    data_rows = [(n, row) for n, row in enumerate(rows[1:], start=2) if any(_text(v) for v in row)]
    hh_ids, p_ids, ids = set(), set(), set()
    for _, row in data_rows:
        if _text(cell(row, "household")).isdigit():
            hh_ids.add(int(_text(cell(row, "household"))))
        if _text(cell(row, "person")).isdigit():
            p_ids.add(int(_text(cell(row, "person"))))
        if _text(cell(row, "id_number")):
            ids.add(_text(cell(row, "id_number")))
    households = Household.objects.select_related("head", "commune").in_bulk(hh_ids)
    persons = Person.objects.select_related("commune").in_bulk(p_ids)
    by_id: dict[str, list] = {}
    for p in Person.objects.filter(id_number__in=ids, status="active").select_related("commune"):
        by_id.setdefault(p.id_number, []).append(p)

    entries = []
    for n, row in data_rows:
        where = f"Dòng {n}"
        household = person = None
        hh_text, p_text = _text(cell(row, "household")), _text(cell(row, "person"))
        id_text = _text(cell(row, "id_number"))
        if hh_text:
            household = households.get(int(hh_text)) if hh_text.isdigit() else None
            if household is None:
                errors.append(
                    f"{where}, cột “Mã hộ”: không có hộ mã “{hh_text}” trong sổ đối tượng."
                )
                continue
        elif p_text:
            person = persons.get(int(p_text)) if p_text.isdigit() else None
            if person is None:
                errors.append(f"{where}, cột “Mã đối tượng”: không có đối tượng mã “{p_text}”.")
                continue
        elif id_text:
            found = by_id.get(id_text, [])
            if len(found) != 1:
                reason = "không có trong sổ đối tượng" if not found else "trùng nhiều hồ sơ"
                errors.append(f"{where}, cột “Số CCCD”: số “{id_text}” {reason}.")
                continue
            person = found[0]
        else:
            errors.append(f"{where}: thiếu mã hộ, mã đối tượng hoặc số CCCD.")
            continue
        name = _text(cell(row, "name"))
        if name:
            known = (
                person.name_key
                if person
                else (household.head.name_key if household.head_id else "")
            )
            if known and search_key(name) != known:
                errors.append(
                    f"{where}, cột “Họ và tên”: “{name}” không khớp hồ sơ trong sổ đối tượng."
                )
                continue
        raw_value = cell(row, "value")
        value = _money(raw_value) if _text(raw_value) else (0 if rnd.is_goods else None)
        if value is None:
            errors.append(
                f"{where}, cột “Số tiền”: “{_text(raw_value)}” không phải số tiền hợp lệ "
                "(số đồng, ví dụ 1.000.000)."
            )
            continue
        quantity = None
        if rnd.is_goods:
            quantity = _quantity(cell(row, "quantity"))
            if quantity is None or quantity <= 0:
                errors.append(f"{where}, cột “Số lượng”: cần một số lớn hơn 0.")
                continue
        entries.append((where, household, person, value, quantity))
    if not entries and not errors:
        errors.append("Tệp không có dòng dữ liệu nào.")
    return entries, errors


@transaction.atomic
def import_lines(actor, rnd, *, filename: str, data: bytes) -> list:
    """Import the file into the round: all rows or none."""
    entries, errors = parse(rnd, read_rows(filename, data))
    if errors:
        raise ImportRejected(errors)
    try:
        lines = actions.add_lines(actor, rnd, entries, source="import")
    except ImportRejected:
        raise
    except ReliefError as exc:
        raise ImportRejected(str(exc).split("\n")) from exc
    record(
        actor,
        "relief.lines_imported",
        rnd,
        after={
            "filename": filename,
            "sha256": hashlib.sha256(data).hexdigest(),
            "rows": len(lines),
        },
    )
    return lines
