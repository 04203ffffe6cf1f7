"""Member and volunteer lists (issue #20, item 8) on the one import frame (decision 0008):
an uploaded list is kept (uploaded), checked whole in a task (previewed, or failed with
every bad row named: row, column, value, reason), confirmed by the officer, then committed
by a queued task in one transaction (done) — nothing partial.

Each row finds or creates the person (people.Individual):
- **the same person** — the same CCCD; or the same name with the same birth date and the
  same phone (at least one of the two filled, neither conflicting);
- **a probable duplicate** — the same name with the same birth date or the same phone
  (the other differing), or the same CCCD's name differing: a new record is created and the
  row is reported (`warnings`), never merged silently;
- otherwise a new record.
Then a member list opens a membership (joined on "Ngày vào Hội") and a volunteer list
registers the volunteer (with a team of the unit when named). A person already a member
of that unit (or already its volunteer) is "already present" (rows_duplicate): re-running a
re-saved file adds nothing; the very same file for the same unit is answered by its earlier
import (the frame's same-file rule)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.lib import reader
from nhandao.lib.dates import DateError, parse_date
from nhandao.lib.errors import Refused
from nhandao.lib.exports import Sheet, xlsx_bytes
from nhandao.lib.imports import (
    MAX_ERRORS,
    ImportStatus,
    rejected_rows_workbook,
    row_error,
    rows_with_errors,
)
from nhandao.lib.names import clean_full_name, clean_phone, digits_only, split_name
from nhandao.lib.tasks import enqueue_on_commit, run_here
from nhandao.lib.text import search_key
from nhandao.orgs import access
from nhandao.orgs.models import Organisation
from nhandao.people.models import (
    VOLUNTEER_MIN_AGE,
    YOUTH_AGES,
    Individual,
    IndividualStatus,
    ListKind,
    MemberImport,
    Membership,
    MembershipKind,
    Sex,
    StartVia,
    Team,
    Volunteer,
)

COMMON = {
    "name": "Họ và tên",
    "born": "Ngày sinh",
    "sex": "Giới tính",
    "phone": "Số điện thoại",
    "id_number": "Số CCCD",
}
COLUMNS = {
    ListKind.MEMBERS: COMMON | {
        "since": "Ngày vào Hội",
        "kind": "Loại hội viên",
        "unit": "Chi hội/đơn vị",
    },
    ListKind.VOLUNTEERS: COMMON | {
        "since": "Ngày tham gia",
        "team": "Đội/nhóm",
        "skills": "Kỹ năng, ngoại ngữ",
        "unit": "Chi hội/đơn vị",
    },
}  # fmt: skip
REQUIRED = {
    ListKind.MEMBERS: ("name", "since", "kind"),
    ListKind.VOLUNTEERS: ("name", "born", "since"),
}
# headers the file may use instead (folded): "CCCD", "Điện thoại", …
ALIASES = {
    "id_number": {"cccd", "so cccd", "cccd/cmnd", "so cccd/cmnd", "cmnd"},
    "phone": {"dien thoai", "so dien thoai", "sdt"},
    "unit": {"chi hoi/don vi", "chi hoi", "don vi", "chi hoi / don vi"},
    "team": {"doi/nhom", "doi", "nhom", "doi, nhom"},
}
SEXES = {"nam": Sex.MALE, "nu": Sex.FEMALE}
KINDS = {search_key(label): value for value, label in MembershipKind.choices} | {
    "hoi vien thanh nien": MembershipKind.YOUTH,
    "thanh thieu nien": MembershipKind.YOUTH,
    "danh du": MembershipKind.HONORARY,
}
EXAMPLES = {
    ListKind.MEMBERS: ["Nguyễn Thị Hoa", "05/03/1985", "Nữ", "0912345678", "001185012345",
                       "15/01/2024", "Hội viên", ""],
    ListKind.VOLUNTEERS: ["Trần Văn Minh", "20/10/1998", "Nam", "0987654321", "",
                          "01/03/2025", "Đội sơ cấp cứu", "Sơ cứu; tiếng Anh", ""],
}  # fmt: skip
CHUNK = 5_000


class ImportFileError(Refused):
    """The file as a whole cannot be taken (unreadable, columns missing)."""


@dataclass
class Row:
    number: int
    name: str
    name_key: str
    born: date | None
    sex: str
    phone: str
    id_number: str
    since: date
    unit: Organisation
    kind: str = ""  # members: MembershipKind
    team: Team | None = None  # volunteers
    skills: str = ""
    individual_id: int | None = None  # the same person, found
    present: bool = False  # already a member of the unit / its volunteer
    volunteer_id: int | None = None  # the volunteer already present (added to the row's team)
    outside: bool = False  # the CCCD of a record kept outside the uploader's reach


@dataclass
class Checked:
    rows: list[Row] = field(default_factory=list)  # rows without errors
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)  # probable duplicates
    read: int = 0

    @property
    def new_people(self) -> int:
        return sum(1 for r in self.rows if r.individual_id is None)

    @property
    def present(self) -> int:
        return sum(1 for r in self.rows if r.present)


def _dmy(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _keys(kind: str) -> dict[str, set[str]]:
    """Each column's accepted folded headers."""
    return {
        name: {search_key(label)} | ALIASES.get(name, set())
        for name, label in COLUMNS[kind].items()
    }


def _header_index(kind: str, header: list[str]) -> dict[str, int]:
    keys = _keys(kind)
    index = {}
    for position, cell in enumerate(header):
        folded = search_key(cell)
        for name, accepted in keys.items():
            if folded in accepted and name not in index:
                index[name] = position
    return index


def _is_header(kind: str):
    return lambda cells: all(n in _header_index(kind, cells) for n in REQUIRED[kind][:2])


def _units(organisation: Organisation) -> tuple[dict, dict]:
    """The units a row may name: the organisation's active subtree, by code and by name."""
    by_code, by_name = {}, defaultdict(list)
    for org in Organisation.objects.subtree_of(organisation).active():
        by_code[search_key(org.code)] = org
        by_name[org.name_key or search_key(org.name)].append(org)
    return by_code, by_name


def _unit(text, organisation, units, number, column, errors) -> Organisation | None:
    if not text:
        return organisation
    by_code, by_name = units
    folded = search_key(text)
    if folded in by_code:
        return by_code[folded]
    named = by_name.get(folded, [])
    if len(named) == 1:
        return named[0]
    reason = (
        f"có {len(named)} đơn vị cùng tên: hãy ghi mã đơn vị"
        if named
        else f"không có đơn vị này trong “{organisation.name}” (ghi tên hoặc mã đơn vị)"
    )
    errors.append(row_error(number, column, text, reason))
    return None


def parse_rows(imp: MemberImport, table: reader.Table, today: date) -> Checked:
    """Every row checked on its own: the fields, the unit, the ages, repeats within the file."""
    kind, organisation = imp.kind, imp.organisation
    columns = COLUMNS[kind]
    index = _header_index(kind, table.header)
    missing = [columns[n] for n in REQUIRED[kind] if n not in index]
    if missing:
        raise ImportFileError(
            "Thiếu cột: " + ", ".join(f"“{m}”" for m in missing) + ". Hãy dùng tệp mẫu."
        )
    units = _units(organisation)
    teams = defaultdict(dict)
    if kind == ListKind.VOLUNTEERS:
        for team in Team.objects.filter(organisation__path__startswith=organisation.path):
            teams[team.organisation_id][search_key(team.name)] = team
    checked = Checked(read=len(table.rows))
    errors = checked.errors
    seen: dict[tuple, int] = {}
    for number, cells in table.rows:

        def cell(name, cells=cells):
            i = index.get(name)
            value = cells[i] if i is not None and i < len(cells) else ""
            if isinstance(value, date):
                return value
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value if value is not None else "").strip()

        def refuse(name, value, reason, number=number):
            errors.append(row_error(number, columns[name], value, reason))

        before = len(errors)
        name = clean_full_name(cell("name"))
        if not name:
            refuse("name", "", "không được để trống")
        born = None
        if cell("born"):
            try:
                born = parse_date(cell("born"), earliest=date(1900, 1, 1), latest=today)
            except DateError as error:
                refuse("born", cell("born"), str(error))
        elif kind == ListKind.VOLUNTEERS:
            refuse("born", "", f"cần ngày sinh (tình nguyện viên từ {VOLUNTEER_MIN_AGE} tuổi)")
        sex = ""
        if cell("sex"):
            sex = SEXES.get(search_key(cell("sex")), "")
            if not sex:
                refuse("sex", cell("sex"), "ghi Nam hoặc Nữ")
        phone = ""
        try:
            phone = clean_phone(cell("phone"))
        except ValueError as error:
            refuse("phone", cell("phone"), str(error))
        id_number = digits_only(cell("id_number"))
        if id_number and (not id_number.isdigit() or len(id_number) not in (9, 12)):
            refuse("id_number", cell("id_number"), "số CCCD có 12 chữ số (CMND cũ: 9)")
            id_number = ""
        since = None
        if not cell("since"):
            refuse("since", "", "không được để trống")
        else:
            try:
                since = parse_date(cell("since"), earliest=date(1946, 1, 1), latest=today)
            except DateError as error:
                refuse("since", cell("since"), str(error))
        unit = _unit(cell("unit"), organisation, units, number, columns["unit"], errors)
        if unit is not None and since is not None and unit.valid_from and since < unit.valid_from:
            refuse("since", _dmy(since),
                   f"“{unit.name}” hoạt động từ {_dmy(unit.valid_from)}")  # fmt: skip
        member_kind, team, skills = "", None, ""
        if kind == ListKind.MEMBERS:
            member_kind = KINDS.get(search_key(cell("kind")), "")
            if not member_kind:
                refuse("kind", cell("kind"),
                       "ghi Hội viên, Hội viên danh dự hoặc Hội viên thanh thiếu niên")  # fmt: skip
            elif member_kind == MembershipKind.YOUTH and since is not None:
                low, high = YOUTH_AGES
                age = _age(born, since)
                if age is None:
                    refuse("born", "", f"hội viên thanh thiếu niên cần ngày sinh ({low}–{high} "
                                       "tuổi)")  # fmt: skip
                elif not low <= age <= high:
                    refuse("kind", cell("kind"), f"hội viên thanh thiếu niên phải từ {low} "
                           f"đến {high} tuổi khi vào Hội; người này {age} tuổi ngày "
                           f"{_dmy(since)}")  # fmt: skip
        else:
            skills = cell("skills")[:255]
            age = _age(born, since) if since else None
            if age is not None and age < VOLUNTEER_MIN_AGE:
                refuse("born", _dmy(born), f"tình nguyện viên phải từ {VOLUNTEER_MIN_AGE} tuổi; "
                       f"người này {age} tuổi ngày {_dmy(since)}")  # fmt: skip
            if cell("team") and unit is not None:
                team = teams[unit.pk].get(search_key(cell("team")))
                if team is None:
                    refuse("team", cell("team"), f"“{unit.name}” không có đội, nhóm tên này; "
                           "hãy lập đội trước (Đội tình nguyện, ca trực)")  # fmt: skip
        if len(errors) > before:
            continue
        key = (search_key(name), id_number) if id_number else (search_key(name), born, phone)
        if key in seen:
            refuse("name", name, f"trùng người ở dòng {seen[key]} (cùng họ tên, "
                   + ("số CCCD)" if id_number else "ngày sinh, số điện thoại)"))  # fmt: skip
            continue
        seen[key] = number
        checked.rows.append(Row(number, name, search_key(name), born, sex, phone, id_number,
                                since, unit, member_kind, team, skills))  # fmt: skip
    return checked


def _age(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# ---- the people already recorded ----------------------------------------------------------


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


FIELDS = ("pk", "code", "full_name", "name_key", "birth_date", "phone", "id_number",
          "organisation__path")  # fmt: skip


def _known(rows: list[Row]) -> tuple[dict, dict]:
    """The active records sharing a CCCD or a name with the rows: by CCCD, by folded name."""
    by_id, by_name = {}, defaultdict(list)
    ids = sorted({r.id_number for r in rows if r.id_number})
    names = sorted({r.name_key for r in rows})
    active = Individual.objects.filter(status=IndividualStatus.ACTIVE)
    for chunk in _chunks(ids):
        for values in active.filter(id_number__in=chunk).values(*FIELDS).order_by("pk"):
            by_id.setdefault(values["id_number"], values)
    for chunk in _chunks(names):
        for values in active.filter(name_key__in=chunk).values(*FIELDS).order_by("pk"):
            by_name[values["name_key"]].append(values)
    return by_id, by_name


def _who(values: dict) -> str:
    return f"{values['code']} {values['full_name']}"


def _visible(user):
    """Whether a record kept at an organisation (its path) is within `user`'s reach: a person
    outside it is never named to them, nor joined from their list (None: a command, all)."""
    if user is None or access.is_everywhere(user):
        return lambda path: True
    roots = access.reach_paths(user, "view")
    return lambda path: any(path.startswith(root) for root in roots)


OUTSIDE = ("có thể là một người do đơn vị khác quản lý hồ sơ: sẽ tạo hồ sơ mới; hãy hỏi "
           "đơn vị cấp trên để gộp nếu là một người")  # fmt: skip


def match(rows: list[Row], warnings: list[dict], user=None) -> None:
    """Set each row's `individual_id` when the person is recorded already (the same-person
    rule of the module) within `user`'s reach; report probable duplicates in `warnings`
    (a record outside the reach only as such, never by its name or code)."""
    by_id, by_name = _known(rows)
    visible = _visible(user)

    for row in rows:
        if row.id_number and row.id_number in by_id:
            found = by_id[row.id_number]
            if found["name_key"] == row.name_key and visible(found["organisation__path"]):
                row.individual_id = found["pk"]
                continue
            if found["name_key"] != row.name_key and visible(found["organisation__path"]):
                warnings.append(row_error(row.number, COMMON["id_number"], row.id_number,
                                f"cùng số CCCD với {_who(found)} nhưng khác họ tên: sẽ tạo "
                                "hồ sơ mới; hãy kiểm tra"))  # fmt: skip
            else:  # a hard identifier: never a second record for it from a list
                row.outside = True
            continue
        probable = None
        for known in by_name.get(row.name_key, []):
            if row.id_number and known["id_number"] and known["id_number"] != row.id_number:
                continue  # two people with the same name: different CCCD
            same_born = row.born is not None and known["birth_date"] == row.born
            same_phone = bool(row.phone) and known["phone"] == row.phone
            conflict = (row.born and known["birth_date"] and not same_born) or (
                row.phone and known["phone"] and not same_phone
            )
            if (same_born or same_phone) and not conflict and visible(known["organisation__path"]):
                row.individual_id = known["pk"]
                break
            if (same_born or same_phone) and probable is None:
                probable = known
        if row.individual_id is None and probable is not None:
            what = "ngày sinh" if row.born == probable["birth_date"] else "số điện thoại"
            if visible(probable["organisation__path"]):
                warnings.append(row_error(row.number, COMMON["name"], row.name,
                                f"có thể trùng {_who(probable)} (cùng họ tên, {what}): sẽ tạo "
                                "hồ sơ mới, không gộp; gộp sau nếu là một người"))  # fmt: skip
            else:
                warnings.append(row_error(row.number, COMMON["name"], row.name, OUTSIDE))


def _roles(imp: MemberImport, rows: list[Row], errors: list[dict]) -> None:
    """With the people found: already a member (volunteer) of the unit — present; a member
    elsewhere, or a past membership overlapping the date — the row's error."""
    found = [r for r in rows if r.individual_id is not None]
    pks = [r.individual_id for r in found]
    since = COLUMNS[imp.kind]["since"]
    if imp.kind == ListKind.MEMBERS:
        open_rows, last_end = {}, {}
        for chunk in _chunks(pks):
            for m in Membership.objects.filter(individual_id__in=chunk).select_related(
                "organisation"
            ):
                if m.ended_on is None:
                    open_rows[m.individual_id] = m
                elif m.ended_on > last_end.get(m.individual_id, date.min):
                    last_end[m.individual_id] = m.ended_on
        for row in found:
            current = open_rows.get(row.individual_id)
            if current is not None and current.organisation_id == row.unit.pk:
                row.present = True
            elif current is not None:
                errors.append(row_error(row.number, COMMON["name"], row.name,
                              f"đang sinh hoạt tại “{current.organisation.name}” từ "
                              f"{_dmy(current.started_on)}: hãy chuyển sinh hoạt thay vì kết "
                              "nạp lại"))  # fmt: skip
            elif row.individual_id in last_end and row.since <= last_end[row.individual_id]:
                errors.append(row_error(row.number, since, _dmy(row.since),
                              "ngày vào Hội phải sau ngày kết thúc lần sinh hoạt trước "
                              f"({_dmy(last_end[row.individual_id])})"))  # fmt: skip
    else:
        existing = {}
        for chunk in _chunks(pks):
            for v in Volunteer.objects.filter(individual_id__in=chunk).select_related(
                "organisation"
            ):
                existing[v.individual_id] = v
        for row in found:
            volunteer = existing.get(row.individual_id)
            if volunteer is not None and volunteer.organisation_id == row.unit.pk:
                row.present, row.volunteer_id = True, volunteer.pk
            elif volunteer is not None:
                where = volunteer.organisation.name
                errors.append(row_error(row.number, COMMON["name"], row.name,
                              f"đã là tình nguyện viên của “{where}”"))  # fmt: skip
        # a volunteer found without a birth date in the file: the record's, for the age rule
        missing = [r for r in found if not r.present and r.born is None]
        births = dict(Individual.objects.filter(pk__in=[r.individual_id for r in missing])
                      .values_list("pk", "birth_date"))  # fmt: skip
        for row in missing:
            age = _age(births.get(row.individual_id), row.since)
            if age is None or age < VOLUNTEER_MIN_AGE:
                errors.append(row_error(row.number, COMMON["born"], "",
                              f"tình nguyện viên phải từ {VOLUNTEER_MIN_AGE} tuổi"))  # fmt: skip


def check(imp: MemberImport) -> Checked:
    """The whole file checked against the database: rows, people, roles. FileRefused /
    ImportFileError (a Refused) when the file as a whole cannot be taken."""
    kind = imp.kind
    table = reader.read_table(imp.read_file(), imp.file_name, is_header=_is_header(kind))
    return against_records(imp, parse_rows(imp, table, timezone.localdate()))


# ---- the rows the preview checked, kept for the commit ---------------------------------------


def keep_rows(rows: list[Row]) -> list[list]:
    """The checked rows as JSON (MemberImport.checked_rows): what the file said, normalised;
    the units and teams by id (checked again at the commit), nothing found in the records."""
    return [
        [r.number, r.name, r.born.isoformat() if r.born else None, r.sex, r.phone, r.id_number,
         r.since.isoformat(), r.unit.pk, r.kind, r.team.pk if r.team else None, r.skills]
        for r in rows
    ]  # fmt: skip


def kept_rows(imp: MemberImport) -> Checked:
    """The rows the preview kept, their units and teams checked again against the records as
    they are now (a unit dissolved or moved out since, a team deleted: the row's error)."""
    columns = COLUMNS[imp.kind]
    units = {org.pk: org for org in Organisation.objects.subtree_of(imp.organisation).active()}
    team_pks = {values[9] for values in imp.checked_rows if values[9] is not None}
    within = Team.objects.filter(organisation__path__startswith=imp.organisation.path)
    teams = {t.pk: t for t in within.filter(pk__in=team_pks)}
    checked = Checked(read=imp.rows_read)
    for values in imp.checked_rows:
        number, name, born, sex, phone, id_number, since, unit_pk, kind, team_pk, skills = values
        since = date.fromisoformat(since)
        unit = units.get(unit_pk)
        if unit is None:
            checked.errors.append(row_error(number, columns["unit"], "",
                                  f"đơn vị của dòng này không còn hoạt động trong "
                                  f"“{imp.organisation.name}” từ khi kiểm tra: hãy tải tệp "
                                  "lên lại"))  # fmt: skip
            continue
        if unit.valid_from and since < unit.valid_from:
            reason = f"“{unit.name}” hoạt động từ {_dmy(unit.valid_from)}"
            checked.errors.append(row_error(number, columns["since"], _dmy(since), reason))
            continue
        team = None
        if team_pk is not None:
            team = teams.get(team_pk)
            if team is None or team.organisation_id != unit.pk:
                checked.errors.append(row_error(number, columns["team"], "",
                                      "đội, nhóm của dòng này không còn từ khi kiểm tra: hãy "
                                      "tải tệp lên lại"))  # fmt: skip
                continue
        checked.rows.append(Row(number, name, search_key(name),
                                date.fromisoformat(born) if born else None, sex, phone,
                                id_number, since, unit, kind, team, skills))  # fmt: skip
    return checked


def against_records(imp: MemberImport, checked: Checked) -> Checked:
    """The rows checked against the records: the people found (or probable duplicates),
    a CCCD kept outside the reach, the roles they hold already."""
    match(checked.rows, checked.warnings, imp.uploaded_by)
    for row in checked.rows:
        if row.outside:
            checked.errors.append(row_error(row.number, COMMON["id_number"], row.id_number,
                                  "số CCCD này đã có trong hồ sơ do đơn vị khác quản lý: "
                                  "không tạo hồ sơ thứ hai; hãy nhờ đơn vị cấp trên nhập dòng "
                                  "này, hoặc đề nghị chuyển sinh hoạt"))  # fmt: skip
    _roles(imp, checked.rows, checked.errors)
    bad = {e["row"] for e in checked.errors}
    checked.rows = [r for r in checked.rows if r.number not in bad]
    checked.errors.sort(key=lambda e: e["row"])
    return checked


# ---- the pipeline: start, preview, confirm, commit ----------------------------------------


def start(actor, organisation, kind: str, file_name: str, data: bytes, *,
          queue: bool = True) -> MemberImport:  # fmt: skip
    """Keep an uploaded list (uploaded) and queue its checking (`queue=False`: the command
    line checks it itself, check_here). The same file for the same unit and kind, done or on
    its way, answers instead (marked `repeated`). `actor` None is the server's operator at
    the command line, who reaches every organisation."""
    if actor is not None:
        access.require(actor, "edit", organisation, "Bạn không có quyền nhập danh sách ở đây.")
    if kind not in ListKind.values:
        raise Refused("Loại danh sách không hợp lệ.")
    earlier = MemberImport.earlier_same_file(reader.checksum(data), organisation=organisation,
                                             kind=kind)  # fmt: skip
    if earlier is not None:
        earlier.repeated = True
        return earlier
    from nhandao.people import tasks

    with transaction.atomic():
        imp = MemberImport(organisation=organisation, kind=kind, uploaded_by=actor)
        imp.store_file(data, file_name)
        imp.save()
        imp.log_move("", ImportStatus.UPLOADED, actor=actor)
        if queue:
            enqueue_on_commit(tasks.preview_member_import, imp.pk)
    return imp


def check_here(imp: MemberImport) -> MemberImport:
    """Check a list in this process (the command line): the worker's own task, run here
    (lib.tasks.run_here), so that a process that dies leaves it failed, not "checking"."""
    from nhandao.people import tasks

    run_here(tasks.preview_member_import, imp.pk)
    imp.refresh_from_db()
    return imp


def commit_here(actor, imp: MemberImport) -> MemberImport:
    """Commit a checked list in this process (the command line) as the page's confirmation
    does: claimed previewed → queued, then the worker's task run here."""
    from nhandao.people import tasks

    if not MemberImport.claim(imp.pk, ImportStatus.PREVIEWED, ImportStatus.QUEUED, actor=actor):
        raise Refused("Chỉ nhập được danh sách đã kiểm tra, chưa nhập.")
    run_here(tasks.commit_member_import, imp.pk, actor.pk if actor else None)
    imp.refresh_from_db()
    return imp


PREVIEWED = ["rows_read", "rows_accepted", "rows_duplicate", "rows_rejected", "errors",
             "warnings", "likely_duplicates", "people_created"]  # fmt: skip


def _figures(imp: MemberImport, checked: Checked) -> None:
    imp.rows_read = checked.read
    imp.rows_duplicate = checked.present
    imp.rows_accepted = len(checked.rows) - checked.present
    imp.people_created = checked.new_people
    imp.warnings = checked.warnings[:MAX_ERRORS]
    imp.likely_duplicates = rows_with_errors(checked.warnings)


def preview(pk: int) -> MemberImport:
    """Check an uploaded list (what the preview task runs): previewed, or failed with its
    errors. A list checked already is left as it is."""
    imp = MemberImport.objects.select_related("organisation").get(pk=pk)
    if imp.status != ImportStatus.UPLOADED:
        return imp
    try:
        checked = check(imp)
    except Refused as error:
        imp.fail([row_error(0, "", "", error.message)])
        return imp
    _figures(imp, checked)
    if checked.errors:
        imp.fail(checked.errors, fields=PREVIEWED)
    else:
        imp.checked_rows = keep_rows(checked.rows)
        imp.move(ImportStatus.PREVIEWED, fields=[*PREVIEWED, "checked_rows"])
    return imp


def confirm(actor, imp: MemberImport) -> MemberImport:
    """The officer confirms a checked list: queued for the commit task."""
    from nhandao.people import tasks

    access.require(actor, "edit", imp.organisation, "Bạn không có quyền nhập danh sách ở đây.")
    with transaction.atomic():
        if not MemberImport.claim(imp.pk, ImportStatus.PREVIEWED, ImportStatus.QUEUED,
                                  actor=actor):  # fmt: skip
            raise Refused("Chỉ nhập được danh sách đã kiểm tra, chưa nhập.")
        enqueue_on_commit(tasks.commit_member_import, imp.pk, actor.pk)
    imp.refresh_from_db()
    return imp


def cancel(actor, imp: MemberImport) -> MemberImport:
    access.require(actor, "edit", imp.organisation, "Bạn không có quyền nhập danh sách ở đây.")
    if not MemberImport.claim(imp.pk, ImportStatus.PREVIEWED, ImportStatus.CANCELLED,
                              actor=actor):  # fmt: skip
        raise Refused("Chỉ bỏ được danh sách đã kiểm tra, chưa nhập.")
    MemberImport.objects.filter(pk=imp.pk).update(checked_rows=[])
    imp.refresh_from_db()
    return imp


def mark_failed(pk: int, reason: str) -> None:
    MemberImport.mark_failed(pk, reason)


def commit(pk: int, actor=None) -> MemberImport:
    """Write a queued list (what the commit task runs): claimed queued → committing, checked
    again (the records may have changed since the preview), written in one transaction."""
    if not MemberImport.claim(pk, ImportStatus.QUEUED, ImportStatus.COMMITTING, actor=actor):
        return MemberImport.objects.get(pk=pk)
    imp = MemberImport.objects.select_related("organisation").get(pk=pk)
    try:
        # the file as the preview read it, the records checked again (a list previewed
        # before the rows were kept: the whole file again)
        checked = against_records(imp, kept_rows(imp)) if imp.checked_rows else check(imp)
    except Refused as error:
        imp.checked_rows = []
        imp.fail([row_error(0, "", "", error.message)], actor=actor, fields=["checked_rows"])
        return imp
    imp.checked_rows = []  # not kept once the list is done or failed
    if checked.errors:
        _figures(imp, checked)
        imp.fail(checked.errors, actor=actor, fields=[*PREVIEWED, "checked_rows"])
        return imp
    try:
        with transaction.atomic():
            _figures(imp, checked)  # before writing: the new people are counted as new
            _write(imp, checked.rows, actor)
            imp.move(ImportStatus.DONE, actor=actor, fields=[*PREVIEWED, "checked_rows"])
            record(actor, "people.list_import", imp, organisation=imp.organisation, after={
                "file": imp.file_name, "kind": imp.kind, "accepted": imp.rows_accepted,
                "duplicate": imp.rows_duplicate, "people_created": imp.people_created,
                "likely_duplicates": imp.likely_duplicates,
            })  # fmt: skip
    except IntegrityError:
        # a person of the list joined (or registered) elsewhere in the meantime
        raise Refused("Trong lúc nhập, một người trong danh sách vừa được ghi ở nơi khác; "
                      "không dòng nào được ghi. Hãy tải tệp lên lại.") from None  # fmt: skip
    return imp


def _new_individuals(rows: list[Row], actor) -> None:
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    new = []
    for row in rows:
        parts = split_name(row.name)
        new.append(Individual(
            organisation=row.unit, full_name=row.name, name_key=row.name_key,
            family_name=parts.family[:40], given_name=parts.given[:40], sex=row.sex,
            birth_date=row.born, phone=row.phone, id_number=row.id_number,
            consent_contact_at=now, consent_publish_at=now, created_by=user,
        ))  # fmt: skip
    Individual.objects.bulk_create(new, batch_size=2_000)
    pks = [individual.pk for individual in new]
    for row, pk in zip(rows, pks, strict=True):
        row.individual_id = pk
    # numbered as Individual.save numbers a record ("CN" + the number on 7 digits at least),
    # in one statement per chunk rather than one per record
    number = Cast("id", CharField())
    for chunk in _chunks(pks):
        records = Individual.objects.filter(pk__in=chunk)
        records.filter(pk__lt=10**7).update(code=Concat(Value("CN"), LPad(number, 7, Value("0"))))
        records.filter(pk__gte=10**7).update(code=Concat(Value("CN"), number))


def _count_starts(memberships: list[Membership]) -> None:
    """The summary (people.MembershipCount) in step: +1 per start, added in one statement
    (INSERT … ON CONFLICT adds to a day already counted)."""
    deltas = defaultdict(int)
    for m in memberships:
        deltas[(m.organisation_id, m.started_on.replace(day=1))] += 1  # per month
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO people_membershipcount (organisation_id, day, delta) "
            "VALUES (%s, %s, %s) ON CONFLICT (organisation_id, day) "
            "DO UPDATE SET delta = people_membershipcount.delta + EXCLUDED.delta",
            [(org, day, n) for (org, day), n in deltas.items()],
        )


def _write(imp: MemberImport, rows: list[Row], actor) -> None:
    _new_individuals([r for r in rows if r.individual_id is None], actor)
    todo = [r for r in rows if not r.present]
    user = actor if getattr(actor, "is_authenticated", False) else None
    if imp.kind == ListKind.MEMBERS:
        memberships = [
            Membership(individual_id=r.individual_id, organisation=r.unit, kind=r.kind,
                       started_on=r.since, started_via=StartVia.JOIN, created_by=user)
            for r in todo
        ]  # fmt: skip
        Membership.objects.bulk_create(memberships, batch_size=2_000)
        _count_starts(memberships)
        return
    volunteers = [
        Volunteer(individual_id=r.individual_id, organisation=r.unit, since=r.since,
                  skills=r.skills)
        for r in todo
    ]  # fmt: skip
    Volunteer.objects.bulk_create(volunteers, batch_size=2_000)
    Through = Team.members.through
    # a volunteer already present who is named with a team joins it (once: a pair already
    # there is left as it is)
    present = [(r.team.pk, r.volunteer_id) for r in rows
               if r.present and r.team is not None and r.volunteer_id is not None]  # fmt: skip
    Through.objects.bulk_create(
        [*(Through(team_id=r.team.pk, volunteer_id=v.pk)
           for r, v in zip(todo, volunteers, strict=True) if r.team is not None),
         *(Through(team_id=team, volunteer_id=volunteer) for team, volunteer in present)],
        batch_size=2_000, ignore_conflicts=True,
    )  # fmt: skip


# ---- workbooks ------------------------------------------------------------------------------

NOTES = {
    ListKind.MEMBERS: [
        "Cột bắt buộc: Họ và tên, Ngày vào Hội, Loại hội viên.",
        "Loại hội viên: Hội viên, Hội viên danh dự, hoặc Hội viên thanh thiếu niên (16–30 tuổi "
        "khi vào Hội, cần ngày sinh).",
        "Chi hội/đơn vị: tên hoặc mã của chi hội thuộc đơn vị nhập; để trống là chính đơn vị nhập.",
    ],
    ListKind.VOLUNTEERS: [
        "Cột bắt buộc: Họ và tên, Ngày sinh, Ngày tham gia. Tình nguyện viên từ 18 tuổi.",
        "Đội/nhóm: tên một đội, nhóm đã lập của đơn vị (để trống nếu chưa vào đội nào).",
        "Chi hội/đơn vị: tên hoặc mã của đơn vị thuộc đơn vị nhập; để trống là chính đơn vị nhập.",
    ],
}
COMMON_NOTES = [
    "Ngày ghi dd/mm/yyyy. Giới tính: Nam hoặc Nữ. Số CCCD 12 chữ số (CMND cũ 9).",
    "Một người đã có hồ sơ được nhận ra theo số CCCD, hoặc theo họ tên cùng ngày sinh và số "
    "điện thoại; người có thể trùng (cùng họ tên và ngày sinh hoặc số điện thoại) được báo, "
    "không tự gộp.",
    "Tệp được kiểm tra trọn vẹn trước khi nhập: có một dòng sai thì không nhập dòng nào. Nhập "
    "lại cùng tệp không thêm gì; người đã là hội viên (tình nguyện viên) của đơn vị được bỏ qua.",
]


def template_workbook(kind: str) -> bytes:
    title = "Hội viên" if kind == ListKind.MEMBERS else "Tình nguyện viên"
    header = list(COLUMNS[kind].values())
    notes = NOTES[kind] + COMMON_NOTES
    return xlsx_bytes([
        Sheet(title, header, [EXAMPLES[kind]], widths=dict.fromkeys(range(len(header)), 20)),
        Sheet("Hướng dẫn", ["Hướng dẫn"], [[n] for n in notes], widths={0: 120}),
    ])  # fmt: skip


def rejected_workbook(imp: MemberImport) -> bytes:
    try:
        table = reader.read_table(imp.read_file(), imp.file_name, is_header=_is_header(imp.kind))
        header, rows = table.header, dict(table.rows)
    except Refused:
        header, rows = [], {}
    return rejected_rows_workbook(imp.errors, header, rows)
