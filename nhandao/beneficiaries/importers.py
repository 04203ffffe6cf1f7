"""Import of beneficiary lists from CSV (polars) or Excel (python-calamine).

An import is a record (ImportBatch): the file, its checksum, status, counts, and per-row
errors. Preview → validate every row → commit all or nothing. Re-importing the same rows adds
nothing (natural key per organisation: the source id, else name + birth + id number +
commune). An import that would add ≥ DUPLICATE_STOP likely duplicates stops for review.
Rows are checked with the same functions as the entry form (identity.py, places.py), with
dictionaries loaded once instead of one query per row.
"""

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from nhandao.audit.actions import record
from nhandao.beneficiaries import identity, linkage, review
from nhandao.beneficiaries.models import (
    ImportBatch,
    ImportStatus,
    MatchCandidate,
    MatchStatus,
    Person,
    SupportKind,
    SupportRecord,
    Vulnerability,
)
from nhandao.lib import reader
from nhandao.lib.dates import DateError, parse_date
from nhandao.lib.errors import Refused
from nhandao.lib.exports import append_row
from nhandao.lib.imports import MAX_ERRORS, rejected_rows_workbook, row_error
from nhandao.lib.money import AmountError, parse_vnd
from nhandao.lib.tasks import enqueue_on_commit, run_here
from nhandao.lib.text import search_key
from nhandao.orgs import access
from nhandao.orgs.models import AdminLevel, AdminMap, AdminUnit, Organisation, OrgKind, OrgStatus

DUPLICATE_STOP = 1000
BACKGROUND_FROM = 5000  # rows: bigger files are committed by a background task

# field → (Vietnamese header of the template, accepted header keys)
COLUMNS = {
    "external_id": ("Mã nguồn", {"external_id", "ma nguon", "ma"}),
    "full_name": ("Họ và tên", {"full_name", "ho va ten", "ho ten"}),
    "sex": ("Giới tính", {"sex", "gioi tinh"}),
    "birth_date": ("Ngày sinh", {"birth_date", "ngay sinh", "nam sinh", "ngay sinh nam sinh"}),
    "cccd": ("Số CCCD/CMND", {"cccd", "so cccd cmnd", "so cccd", "cccd cmnd", "cmnd"}),
    "phone": ("Điện thoại", {"phone", "dien thoai", "so dien thoai"}),
    "address": ("Địa chỉ", {"address", "dia chi"}),
    "village": ("Thôn/xóm/tổ dân phố", {"village", "thon xom to dan pho", "thon xom", "thon"}),
    "commune_code": ("Mã xã/phường", {"commune_code", "ma xa phuong", "ma xa"}),
    "vulnerabilities": ("Diện khó khăn", {"vulnerabilities", "dien kho khan"}),
}
REQUIRED = ("full_name", "commune_code")
SEX = {
    "nam": "male",
    "male": "male",
    "m": "male",
    "nu": "female",
    "female": "female",
    "f": "female",
    "": "",
}
VULNERABILITY = {search_key(label): code for code, label in Vulnerability.choices} | {
    code: code for code in Vulnerability.values
}


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, missing columns); `errors` are the
    reader's row errors behind it, when it was refused for some of its cells."""

    def __init__(self, message: str, errors: list | None = None):
        super().__init__(message)
        self.errors = list(errors or [])

    def as_errors(self) -> list[dict]:
        """The one error shape (lib.imports.row_error): the reader's refused rows, or one
        error for the whole file."""
        rows = [row_error(e.row, e.column, e.value, e.reason) for e in self.errors]
        return rows or [row_error(0, "", "", str(self))]


def _accepts(headers, columns=COLUMNS, required=REQUIRED) -> bool:
    """The header row: the required columns' names are all there (accents, case ignored)."""
    keys = {search_key(h) for h in headers}
    return all(keys & columns[name][1] for name in required)


def read_table(
    content: bytes, file_name: str, columns=COLUMNS, required=REQUIRED
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(headers, rows as (row number in the file, cells as text)) of a .csv or .xlsx file,
    read by lib.reader (encoding, `;`, limits, bombs, control characters, truncation)."""
    if not file_name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")):
        raise ImportFileError("Chỉ nhận tệp .xlsx hoặc .csv.")
    try:
        table = reader.read_table(
            content, file_name, is_header=lambda h: _accepts(h, columns, required)
        )
    except reader.FileRefused as exc:
        raise ImportFileError(exc.message, exc.errors) from None
    rows = [(number, [reader.cell_text(v) for v in cells]) for number, cells in table.rows]
    return table.header, rows


def map_headers(headers: list[str]) -> dict[str, int]:
    """field → column index; ImportFileError naming the missing required columns."""
    found = {}
    for index, header in enumerate(headers):
        key = search_key(header)
        for name, (_label, keys) in COLUMNS.items():
            if key in keys and name not in found:
                found[name] = index
    missing = [COLUMNS[n][0] for n in REQUIRED if n not in found]
    if missing:
        raise ImportFileError(
            "Thiếu cột bắt buộc: " + ", ".join(f"“{m}”" for m in missing) + ". Hãy dùng tệp mẫu."
        )
    return found


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)  # valid person fields, one per data row
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    known: int = 0  # rows already in the registry (same natural key)
    repeated: int = 0  # rows repeated inside the file


class Lookups:
    """Everything a row check needs, loaded once."""

    def __init__(self):
        units = AdminUnit.objects.filter(level=AdminLevel.COMMUNE).values_list(
            "pk", "map", "code", "name"
        )
        self.new, self.old = {}, {}
        for pk, admin_map, code, name in units:
            (self.new if admin_map == AdminMap.NEW else self.old)[code] = (pk, name)
        from nhandao.beneficiaries.places import converter

        self.convert = converter()
        self.new_name = {pk: name for pk, name in self.new.values()}
        chapters = Organisation.objects.filter(
            status=OrgStatus.ACTIVE,
            kind=OrgKind.RED_CROSS,
            admin_unit__level=AdminLevel.COMMUNE,
            admin_unit__map=AdminMap.NEW,
        ).values_list("admin_unit_id", "pk")
        self.chapter = dict(chapters)


def natural_key(org_id, row, fold_name=search_key) -> str:
    """What makes a re-imported row the same person (`fold_name`: for the migration that
    changed how names fold, beneficiaries/0004)."""
    if row.get("external_id"):
        return "ext:" + row["external_id"][:60]
    parts = [
        str(org_id),
        fold_name(row["full_name"]),
        str(row.get("birth_date") or ""),
        str(row.get("birth_year") or ""),
        row.get("id_number", ""),
        str(row.get("commune_id") or ""),
    ]
    return "h:" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:40]  # noqa: S324


def check_rows(headers, rows, organisation, lookups=None, progress=None) -> Checked:
    """Validate every row; a row's errors name the spreadsheet row, the column and why."""
    lookups = lookups or Lookups()
    columns = map_headers(headers)
    result = Checked()
    seen = set()
    for number, values in rows:  # numbered as in the file
        raw = {n: (values[i] if i < len(values) else "") for n, i in columns.items()}
        raw = {n: str(v).strip() for n, v in raw.items()}
        errors = []

        def error(name, message, errors=errors, number=number, raw=raw):
            errors.append(row_error(number, COLUMNS[name][0], raw.get(name, ""), message))

        person = {
            "external_id": raw.get("external_id", ""),
            "address": raw.get("address", ""),
            "village": raw.get("village", ""),
        }
        person["full_name"] = identity.clean_full_name(raw.get("full_name"))
        if not identity.split_name(person["full_name"]).given:
            error("full_name", "Họ và tên không được để trống.")
        sex = SEX.get(search_key(raw.get("sex", "")))
        if sex is None:
            error("sex", f"Giới tính “{raw.get('sex')}” không hợp lệ (Nam hoặc Nữ).")
        person["sex"] = sex or ""
        try:
            person["birth_date"], person["birth_year"] = identity.parse_birth(
                raw.get("birth_date", "")
            )
        except ValueError as e:
            error("birth_date", str(e))
            person["birth_date"] = person["birth_year"] = None
        try:
            person["id_number"] = identity.check_id_number(
                raw.get("cccd", ""), person["sex"], person["birth_year"]
            )
        except ValueError as e:
            error("cccd", str(e))
        try:
            person["phone"] = identity.clean_phone(raw.get("phone", ""))
        except ValueError as e:
            error("phone", str(e))
        code = raw.get("commune_code", "").removesuffix(".0").lstrip("0")
        person["commune_id"] = person["old_commune_id"] = None
        if not code:
            error("commune_code", "Thiếu mã xã/phường.")
        elif code in lookups.new:
            person["commune_id"] = lookups.new[code][0]
        elif code in lookups.old and code in lookups.convert:
            person["old_commune_id"] = lookups.old[code][0]
            person["commune_id"] = lookups.convert[code]
            result.warnings.append(
                row_error(
                    number,
                    COLUMNS["commune_code"][0],
                    code,
                    f"Mã “{code}” là mã cũ ({lookups.old[code][1]}); "
                    f"đã chuyển sang {lookups.new_name[person['commune_id']]}.",
                )
            )
        else:
            error("commune_code", f"Mã xã/phường “{code}” không có trên bản đồ cũ lẫn mới.")
        vulnerabilities = []
        for item in (raw.get("vulnerabilities") or "").replace(";", ",").split(","):
            if item.strip():
                code_v = VULNERABILITY.get(search_key(item))
                if code_v is None:
                    error(
                        "vulnerabilities",
                        f"Diện khó khăn “{item.strip()}” không có trong danh mục.",
                    )
                else:
                    vulnerabilities.append(code_v)
        person["vulnerabilities"] = vulnerabilities
        org_id = organisation.pk if organisation else lookups.chapter.get(person["commune_id"])
        if org_id is None and person["commune_id"] is not None:
            error(
                "commune_code",
                "Không xác định được tổ chức quản lý cho xã/phường này; hãy chọn tổ chức (--org).",
            )
        person["organisation_id"] = org_id
        if errors:
            result.errors.extend(errors)
            person = None
        else:
            person["import_key"] = natural_key(org_id, person)
            if (org_id, person["import_key"]) in seen:
                result.repeated += 1
                person = None
            else:
                seen.add((org_id, person["import_key"]))
        result.rows.append(person)
        if progress and len(result.rows) % 5000 == 0:
            progress(len(result.rows))
    keys = {}
    for p in result.rows:
        if p is not None:
            keys.setdefault(p["organisation_id"], set()).add(p["import_key"])
    existing = set()
    for org_id, org_keys in keys.items():
        key_list = list(org_keys)
        for start in range(0, len(key_list), 5000):
            existing |= {
                (org_id, k)
                for k in Person.objects.filter(
                    organisation_id=org_id, import_key__in=key_list[start : start + 5000]
                ).values_list("import_key", flat=True)
            }
    for index, p in enumerate(result.rows):
        if p is not None and (p["organisation_id"], p["import_key"]) in existing:
            result.known += 1
            result.rows[index] = None
    return result


def _frame_rows(rows: list[dict]) -> list[dict]:
    """New rows as linkage rows, with negative ids (-1 for the first row)."""
    province_of = dict(
        AdminUnit.objects.filter(map=AdminMap.NEW, level=AdminLevel.COMMUNE).values_list(
            "pk", "province_id"
        )
    )
    out = []
    for index, p in enumerate(rows):
        parts = identity.split_name(p["full_name"])
        out.append(
            {
                "unique_id": -(index + 1),
                "family": parts.family,
                "middle": parts.middle,
                "given": parts.given,
                "birth_date": p["birth_date"],
                "birth_year": p["birth_year"],
                "commune": p["commune_id"],
                "village": search_key(p["village"]),
                "phone": p["phone"],
                "id_number": p["id_number"],
                "household": None,
                "sex": p["sex"],
                "province": province_of.get(p["commune_id"]),
                "given_raw": (p["full_name"].lower().split() or [""])[-1],
            }
        )
    return out


def find_duplicates(rows: list[dict]) -> pl.DataFrame:
    """Pairs (id_l, id_r, score, …) involving a new row: within the file and with the registry."""
    from nhandao.beneficiaries import dedup

    frame = dedup.read_frame()
    extra = pl.DataFrame(_frame_rows(rows), schema=linkage.COLUMNS)
    frame = pl.concat([frame.select(list(linkage.COLUMNS)).cast(linkage.COLUMNS), extra])
    pairs = linkage.link(frame).pairs
    return pairs.filter((pl.col("id_l") < 0) | (pl.col("id_r") < 0))


PREVIEWED = [
    "rows_read", "rows_accepted", "rows_duplicate", "rows_rejected", "errors", "warnings",
    "likely_duplicates", "progress",
]  # fmt: skip


def preview(batch: ImportBatch, progress=None) -> ImportBatch:
    """Read and check every row of an uploaded list; record counts, errors, warnings and
    likely duplicates: uploaded → previewed, or failed (the file as a whole, or rows with
    errors: none is imported). A list checked already is left as it is."""
    if batch.status != ImportStatus.UPLOADED:
        return batch
    try:
        headers, rows = read_table(batch.read_file(), batch.file_name)
        checked = check_rows(headers, rows, batch.organisation, progress=progress)
    except ImportFileError as error:
        batch.fail(error.as_errors())
        return batch
    new = [p for p in checked.rows if p is not None]
    batch.rows_read, batch.rows_accepted = len(rows), len(new)
    batch.rows_duplicate = checked.known + checked.repeated
    batch.warnings = checked.warnings[:MAX_ERRORS]
    duplicates = find_duplicates(new) if new and not checked.errors else None
    batch.likely_duplicates = 0
    if duplicates is not None and duplicates.height:
        involved = {i for i in duplicates["id_l"].to_list() + duplicates["id_r"].to_list() if i < 0}
        batch.likely_duplicates = len(involved)
    batch.progress = len(rows)
    if checked.errors:
        batch.fail(checked.errors, fields=PREVIEWED)
    else:
        batch.move(ImportStatus.PREVIEWED, fields=PREVIEWED)
    return batch


def needs_review(batch: ImportBatch) -> bool:
    """A list that would add DUPLICATE_STOP likely duplicates or more waits for a manager."""
    return batch.likely_duplicates >= DUPLICATE_STOP and not batch.duplicates_confirmed


def _require_committable(batch: ImportBatch) -> None:
    if needs_review(batch):
        raise Refused(
            f"Tệp này sẽ thêm {batch.likely_duplicates} người có thể trùng "
            f"(từ {DUPLICATE_STOP} trở lên): cần lãnh đạo xác nhận trước khi nhập."
        )
    if batch.status != ImportStatus.PREVIEWED:
        raise Refused("Chỉ nhập được tệp đã kiểm tra không có dòng lỗi.")


def confirm_duplicates(actor, batch: ImportBatch) -> None:
    """A manager lets a file with many likely duplicates be imported (its pairs then wait in
    the review queue)."""
    access.require(actor, "approve", batch.organisation)
    batch.duplicates_confirmed = True
    batch.save(update_fields=["duplicates_confirmed"])


def start_commit(actor, batch: ImportBatch) -> bool:
    """Import a checked file: now, or for a large file in the background (returns True when
    queued; the import page shows its progress)."""
    from nhandao.beneficiaries import tasks

    _require_committable(batch)
    if batch.rows_read >= BACKGROUND_FROM:
        with transaction.atomic():
            if ImportBatch.claim(
                batch.pk, ImportStatus.PREVIEWED, ImportStatus.QUEUED, actor=actor
            ):
                enqueue_on_commit(tasks.commit_import_task, batch.pk, actor.pk)
        batch.refresh_from_db()
        return True
    commit(actor, batch)
    return False


def check_here(batch: ImportBatch) -> ImportBatch:
    """Check a list in this process (the command line): the worker's task, run here
    (lib.tasks.run_here), so that a process that dies leaves it failed, not "checking"."""
    from nhandao.beneficiaries import tasks

    run_here(tasks.preview_import_task, batch.pk)
    batch.refresh_from_db()
    return batch


def commit_here(actor, batch: ImportBatch) -> ImportBatch:
    """Commit a checked list in this process (the command line), as a background commit
    does: queued, then the worker's task run here, so that a process that dies leaves it
    failed, not committing."""
    from nhandao.beneficiaries import tasks

    _require_committable(batch)
    ImportBatch.claim(batch.pk, ImportStatus.PREVIEWED, ImportStatus.QUEUED, actor=actor)
    run_here(tasks.commit_import_task, batch.pk, actor.pk if actor else None)
    batch.refresh_from_db()
    return batch


def preview_stored(batch_id: int) -> ImportBatch:
    """Check an uploaded list (what tasks.preview_import_task runs), counting its progress."""
    batch = ImportBatch.objects.get(pk=batch_id)

    def progress(done):
        ImportBatch.objects.filter(pk=batch_id).update(progress=done)

    return preview(batch, progress=progress)


def commit_stored(batch_id: int, actor=None) -> ImportBatch:
    """Commit a queued list (what tasks.commit_import_task runs); claimed queued →
    committing first, so that it is committed once however often its task runs."""
    if not ImportBatch.claim(batch_id, ImportStatus.QUEUED, ImportStatus.COMMITTING, actor=actor):
        return ImportBatch.objects.get(pk=batch_id)
    return commit(actor, ImportBatch.objects.get(pk=batch_id))


def mark_failed(batch_id: int, reason: str) -> None:
    """A list whose checking or committing could not finish (its task raised, or its process
    died): failed, with the reason, unless it had got further (lib.imports). Nothing of it
    was written: the rows go in one transaction (commit)."""
    ImportBatch.mark_failed(batch_id, reason)


def commit(actor, batch: ImportBatch) -> ImportBatch:
    """Write every new row in one transaction, and the likely duplicate pairs for review.
    A previewed list is claimed (previewed → committing) first; a list whose rows turn out
    wrong on this second check fails with its errors, and nothing is written."""
    if needs_review(batch):  # checked again in the worker: the rule may have changed
        _require_committable(batch)
    if batch.status != ImportStatus.COMMITTING:
        _require_committable(batch)
        if not ImportBatch.claim(
            batch.pk, ImportStatus.PREVIEWED, ImportStatus.COMMITTING, actor=actor
        ):
            raise Refused("Tệp này đang được nhập hoặc đã nhập.")
        batch.refresh_from_db()
    headers, rows = read_table(batch.read_file(), batch.file_name)
    checked = check_rows(headers, rows, batch.organisation)
    if checked.errors:
        batch.fail(checked.errors, actor=actor)
        raise Refused("Tệp có dòng lỗi; không nhập dòng nào.")
    new = [p for p in checked.rows if p is not None]
    duplicates = find_duplicates(new) if new else None
    with transaction.atomic():
        persons = [
            Person(
                organisation_id=p["organisation_id"],
                full_name=p["full_name"],
                sex=p["sex"],
                birth_date=p["birth_date"],
                birth_year=p["birth_year"],
                id_number=p["id_number"],
                phone=p["phone"],
                commune_id=p["commune_id"],
                old_commune_id=p["old_commune_id"],
                village=p["village"],
                address=p["address"],
                vulnerabilities=p["vulnerabilities"],
                external_id=p["external_id"],
                import_key=p["import_key"],
                created_by=actor,
            ).normalise()
            for p in new
        ]
        Person.objects.bulk_create(persons, batch_size=2000)
        if duplicates is not None and duplicates.height:
            _store_pairs(duplicates, persons)
        batch.created, batch.progress = len(persons), len(rows)
        batch.move(ImportStatus.DONE, actor=actor, fields=["created", "progress"])
        record(
            actor,
            "beneficiaries.import_committed",
            batch,
            organisation=batch.organisation,
            after={
                "file": batch.file_name,
                "created": len(persons),
                "likely_duplicates": batch.likely_duplicates,
            },
        )
    return batch


def _store_pairs(duplicates: pl.DataFrame, persons: list[Person]) -> None:
    labels = linkage._level_labels()

    def real(i):
        return persons[-i - 1].pk if i < 0 else i

    decided = set(
        MatchCandidate.objects.exclude(status=MatchStatus.PENDING).values_list(
            "person_a_id", "person_b_id"
        )
    )
    candidates = []
    for row in duplicates.iter_rows(named=True):
        a, b = sorted((real(row["id_l"]), real(row["id_r"])))
        if (a, b) in decided:
            continue
        candidates.append(
            MatchCandidate(
                person_a_id=a,
                person_b_id=b,
                score=row["score"],
                method=row["method"],
                reasons=linkage.reasons(row, labels),
                cluster=a,
            )
        )
    MatchCandidate.objects.bulk_create(candidates, batch_size=2000, ignore_conflicts=True)
    review.queue_changed()  # written in bulk, past the signals


# ---- workbooks: the template and the rejected rows ----

HEADER_FILL = PatternFill("solid", fgColor="C8102E")


def template_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    append_row(sheet, [label for label, _ in COLUMNS.values()])
    append_row(
        sheet,
        [
            "HN-0001",
            "Nguyễn Thị Hoa",
            "Nữ",
            "05/03/1985",
            "001185012345",
            "0912345678",
            "Số 5 ngõ 12 Quán Thánh",
            "Tổ 5",
            "4",
            "Người khuyết tật",
        ],
    )
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), HEADER_FILL
    for column, width in zip("ABCDEFGHIJ", (12, 28, 10, 14, 16, 14, 30, 18, 14, 26), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("Hướng dẫn")
    for line in [
        "Cột bắt buộc: Họ và tên, Mã xã/phường.",
        "Mã xã/phường: mã của Tổng cục Thống kê; mã cũ (trước 01/07/2025) được tự chuyển sang "
        "xã/phường mới.",
        "Ngày sinh: dd/mm/yyyy, hoặc chỉ năm sinh (yyyy).",
        "Số CCCD 12 số (3 số đầu là mã tỉnh, số thứ 4 theo giới tính và thế kỷ sinh) hoặc CMND "
        "9 số.",
        "Giới tính: Nam hoặc Nữ. Diện khó khăn: cách nhau bởi dấu phẩy, theo danh mục: "
        + ", ".join(label for _, label in Vulnerability.choices)
        + ".",
        "Nhập lại cùng một tệp không thêm người nào (mỗi người nhận biết theo Mã nguồn, hoặc "
        "theo họ tên, ngày sinh, CCCD và xã).",
    ]:
        append_row(notes, [line])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rejected_workbook(batch: ImportBatch) -> bytes:
    """The rows with errors, as they were, with what is wrong (lib.imports)."""
    try:
        headers, rows = read_table(batch.read_file(), batch.file_name)
    except ImportFileError:
        headers, rows = [], []
    return rejected_rows_workbook(batch.errors, headers, dict(rows))


def start(
    actor, organisation, file_name: str, content: bytes, *, duplicates_confirmed=False
) -> ImportBatch:
    """Keep an uploaded list (uploaded: to be checked). The same file already uploaded for
    the same organisation, and not failed or dropped, is answered instead: that earlier
    batch, marked `repeated`, so that nothing is checked or imported twice."""
    batch = ImportBatch(
        organisation=organisation,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        duplicates_confirmed=duplicates_confirmed,
    )
    batch.store_file(content, file_name)
    earlier = ImportBatch.earlier_same_file(batch.checksum, organisation=organisation)
    if earlier is not None:
        batch.file.delete(save=False)  # the earlier batch keeps its own copy
        earlier.repeated = True
        return earlier
    batch.save()
    batch.log_move("", ImportStatus.UPLOADED, actor=actor)
    batch.repeated = False
    return batch


# ---- support history ----

SUPPORT_COLUMNS = {
    "person_id": ("Mã đối tượng", {"person_id", "ma doi tuong"}),
    "external_id": ("Mã nguồn", {"external_id", "ma nguon"}),
    "date": ("Ngày", {"date", "ngay", "ngay ho tro"}),
    "kind": ("Hình thức", {"kind", "hinh thuc"}),
    "value": ("Trị giá (đồng)", {"value", "tri gia", "tri gia dong", "so tien"}),
    "note": ("Ghi chú", {"note", "ghi chu"}),
}
SUPPORT_KIND = {search_key(label): code for code, label in SupportKind.choices} | {
    code: code for code in SupportKind.values
}


def import_supports(actor, organisation, file_name: str, content: bytes, persons=None) -> dict:
    """Support records given by `organisation`, all or nothing; a row already recorded
    (same person, date, kind, value, note) is skipped. `persons`: the queryset rows may name
    (the user's visible persons); every active person when None (command line)."""
    headers, rows = read_table(content, file_name, SUPPORT_COLUMNS, ("date", "kind", "value"))
    found = {}
    for index, header in enumerate(headers):
        for name, (_label, keys) in SUPPORT_COLUMNS.items():
            if search_key(header) in keys and name not in found:
                found[name] = index
    missing = [SUPPORT_COLUMNS[n][0] for n in ("date", "kind", "value") if n not in found]
    if "person_id" not in found and "external_id" not in found:
        missing.insert(0, "Mã đối tượng hoặc Mã nguồn")
    if missing:
        raise ImportFileError("Thiếu cột bắt buộc: " + ", ".join(f"“{m}”" for m in missing) + ".")
    persons = persons if persons is not None else Person.objects.all()
    persons = persons.filter(status="active")
    errors, records = [], []
    for number, values in rows:
        raw = {n: str(values[i]).strip() if i < len(values) else "" for n, i in found.items()}

        def error(name, message, number=number, raw=raw):
            errors.append(row_error(number, SUPPORT_COLUMNS[name][0], raw.get(name, ""), message))

        person = None
        if raw.get("person_id", "").isdigit():
            person = persons.filter(pk=int(raw["person_id"])).first()
        elif raw.get("external_id"):
            person = persons.filter(external_id=raw["external_id"]).order_by("pk").first()
        if person is None:
            key = "person_id" if raw.get("person_id") else "external_id"
            error(key, "Không tìm thấy đối tượng này (hoặc nằm ngoài phạm vi của bạn).")
        try:
            day = parse_date(raw.get("date"), latest=date.today())
        except DateError as e:
            error("date", str(e))
            day = None
        kind = SUPPORT_KIND.get(search_key(raw.get("kind")))
        if kind is None:
            error("kind", f"Hình thức “{raw.get('kind')}” không có trong danh mục.")
        try:
            value = parse_vnd(raw.get("value", ""))
        except AmountError as e:
            error("value", f"Trị giá “{raw.get('value')}”: {e}")
            value = None
        if person is not None and day is not None and kind and value is not None:
            records.append((person, day, kind, value, raw.get("note", "")[:255]))
    if errors:
        return {"created": 0, "known": 0, "errors": errors}
    existing = set(
        SupportRecord.objects.filter(
            organisation=organisation, person__in=[r[0] for r in records]
        ).values_list("person_id", "date", "kind", "value", "note")
    )
    new, seen = [], set()
    for person, day, kind, value, note in records:
        key = (person.pk, day, kind, value, note)
        if key not in existing and key not in seen:
            seen.add(key)
            new.append(
                SupportRecord(organisation=organisation, person=person, date=day, kind=kind,
                              value=value, note=note, created_by=actor)
            )  # fmt: skip
    with transaction.atomic():
        SupportRecord.objects.bulk_create(new, batch_size=2000)
        record(actor, "beneficiaries.supports_imported", organisation, organisation=organisation,
               after={"file": file_name, "created": len(new)})  # fmt: skip
    return {"created": len(new), "known": len(records) - len(new), "errors": []}
