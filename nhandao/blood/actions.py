"""Everything that changes blood donation records. Atomic and audited; entry points fetched
the records through blood/lookups.py and validated input with blood/forms.py."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from nhandao.audit.actions import record
from nhandao.blood import rules
from nhandao.blood.models import (
    PIPELINE,
    Deferral,
    Donation,
    Donor,
    Drive,
    DriveStatus,
    DriveStatusChange,
    Registration,
    Source,
)
from nhandao.lib.errors import NeedsConfirmation, Refused
from nhandao.lib.pipeline import Moves
from nhandao.orgs import access
from nhandao.people import actions as people
from nhandao.people import privacy

D = DriveStatus


# --- donors ---------------------------------------------------------------------------------


def next_code() -> str:
    last = Donor.objects.filter(code__startswith="HM").order_by("-pk").first()
    number = (
        int(last.code[2:]) + 1 if last and last.code[2:].isdigit() else Donor.objects.count() + 1
    )
    while Donor.objects.filter(code=f"HM{number:07d}").exists():
        number += 1
    return f"HM{number:07d}"


def find_donor(*, full_name, birth_date=None, phone="") -> Donor | None:
    """The donor who is probably this person (people.actions.likely_same: the same phone and
    name, or the same name and birth date)."""
    for individual in people.likely_same(full_name=full_name, birth_date=birth_date, phone=phone):
        donor = Donor.objects.filter(individual=individual).first()
        if donor is not None:
            while donor.merged_into_id:  # a merged duplicate leads to the kept record
                donor = donor.merged_into
            return donor
    return None


def merge_problems(survivor: Donor, duplicate: Donor) -> list[str]:
    """Why merging `duplicate` into `survivor` would be unsafe (empty: safe). Each is a fact
    two histories of one person cannot both hold, so it is more likely two people."""
    problems = []
    if (
        survivor.abo
        and duplicate.abo
        and (
            survivor.abo != duplicate.abo
            or (survivor.rh and duplicate.rh and survivor.rh != duplicate.rh)
        )
    ):
        problems.append(f"Hai hồ sơ có nhóm máu khác nhau ({survivor.blood_group} và "
                        f"{duplicate.blood_group}).")  # fmt: skip
    a, b = survivor.individual, duplicate.individual
    if a.birth_date and b.birth_date and a.birth_date != b.birth_date:
        problems.append(f"Hai hồ sơ có ngày sinh khác nhau ({a.birth_date:%d/%m/%Y} và "
                        f"{b.birth_date:%d/%m/%Y}).")  # fmt: skip
    if a.sex and b.sex and a.sex != b.sex:
        problems.append("Hai hồ sơ có giới tính khác nhau.")
    days = set(survivor.donations.values_list("donated_on", flat=True))
    same_days = sorted(d for d in duplicate.donations.values_list("donated_on", flat=True)
                       if d in days)  # fmt: skip
    if same_days:
        listed = ", ".join(f"{d:%d/%m/%Y}" for d in same_days)
        problems.append(f"Cả hai hồ sơ có lần hiến cùng ngày {listed}.")
    drives = set(survivor.registrations.values_list("drive_id", flat=True))
    both = duplicate.registrations.filter(drive_id__in=drives).select_related("drive")
    if both:
        names = ", ".join(f"“{r.drive.name}”" for r in both)
        problems.append(f"Cả hai hồ sơ đã đăng ký đợt {names}.")
    if survivor.family_id and duplicate.family_id and survivor.family_id != duplicate.family_id:
        problems.append(f"Hai hồ sơ thuộc hai gia đình hiến máu khác nhau (“{survivor.family}” "
                        f"và “{duplicate.family}”).")  # fmt: skip
    bands = set(survivor.honours.values_list("donations", flat=True))
    twice = sorted(set(duplicate.honours.values_list("donations", flat=True)) & bands)
    if twice:
        problems.append("Cả hai hồ sơ đã được vinh danh mốc "
                        + ", ".join(f"{n} lần" for n in twice) + ".")  # fmt: skip
    return problems


@transaction.atomic
def merge_donors(actor, survivor: Donor, duplicate: Donor) -> Donor:
    """Merge a duplicate found later into the donor to keep: its donations, deferrals,
    registrations and honours move to the survivor, a blood group, weight or family the
    survivor lacked is taken, both derived histories are recomputed (count, last donation, likely
    eligible from), and the duplicate is kept as merged (never deleted). Refused when the
    two cannot be one person's (merge_problems) or either is out of the actor's reach."""
    first, second = sorted([survivor.pk, duplicate.pk])
    locked = Donor.objects.select_for_update().in_bulk([first, second])
    survivor, duplicate = locked.get(survivor.pk), locked.get(duplicate.pk)
    if survivor is None or duplicate is None or survivor.pk == duplicate.pk:
        raise Refused("Chọn hai hồ sơ người hiến khác nhau.", field="other")
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise Refused("Hồ sơ đã được gộp trước đó: không gộp lại.", field="other")
    if actor is not None and not all(
        access.can(actor, "edit", d.organisation) for d in (survivor, duplicate)
    ):
        raise Refused("Cả hai hồ sơ phải thuộc phạm vi bạn được sửa.", field="other")
    problems = merge_problems(survivor, duplicate)
    if problems:
        raise Refused("Không gộp được: " + " ".join(problems), field="other")
    moved = {
        "donations": Donation.objects.filter(donor=duplicate).update(donor=survivor),
        "deferrals": Deferral.objects.filter(donor=duplicate).update(donor=survivor),
        "registrations": Registration.objects.filter(donor=duplicate).update(donor=survivor),
        "honours": duplicate.honours.update(donor=survivor),
    }
    survivor.abo, survivor.rh = survivor.abo or duplicate.abo, survivor.rh or duplicate.rh
    survivor.weight_kg = survivor.weight_kg or duplicate.weight_kg
    # the family the duplicate belonged to keeps counting these donations
    survivor.family_id = survivor.family_id or duplicate.family_id
    survivor.save(update_fields=["abo", "rh", "weight_kg", "family"])
    duplicate.merged_into, duplicate.merged_at = survivor, timezone.now()
    duplicate.family = None  # its donations are the survivor's now: not counted twice
    duplicate.save(update_fields=["merged_into", "merged_at", "family"])
    table = rules.rule_table()
    rules.refresh_donor(survivor, table)
    rules.refresh_donor(duplicate, table)
    record(actor, "blood.donor_merge", survivor,
           after={"merged": duplicate.pk, "code": duplicate.code, **moved})  # fmt: skip
    return survivor


@transaction.atomic
def create_donor(
    actor,
    *,
    organisation,
    full_name,
    birth_date=None,
    sex="",
    phone="",
    email="",
    commune=None,
    blood_group="",
    weight_kg=None,
    consent_contact=False,
    consent_publish=False,
    code="",
) -> Donor:
    """A donor: the person found by the registry's linkage (people.likely_same) or created,
    and the donor role on them. A person already a donor is refused (use that record)."""
    abo, rh = rules.parse_group(blood_group)
    if birth_date is not None:
        rules.check_age(birth_date, timezone.localdate())
    found = find_donor(full_name=full_name, birth_date=birth_date, phone=phone)
    if found is not None:
        raise Refused(
            f"{found.individual.full_name} đã là người hiến máu (mã {found.code}): "
            "hãy dùng hồ sơ đó.",
            field="full_name",
        )
    individual = next(
        iter(people.likely_same(full_name=full_name, birth_date=birth_date, phone=phone)), None
    )
    if individual is None:
        individual = people.create_individual(
            actor,
            organisation=organisation,
            full_name=full_name,
            birth_date=birth_date,
            sex=sex,
            phone=phone,
            email=email,
            commune=commune,
            consent_contact=consent_contact,
            consent_publish=consent_publish,
        )
    code = (code or "").strip().upper() or next_code()
    if Donor.objects.filter(code=code).exists():
        raise Refused(f"Mã người hiến {code} đã có.", field="code")
    donor = Donor.objects.create(
        code=code,
        individual=individual,
        organisation=organisation,
        abo=abo,
        rh=rh,
        weight_kg=weight_kg,
        province_id=individual.commune.province_id if individual.commune_id else None,
    )
    record(actor, "blood.donor_create", donor, after={"code": code, "individual": individual.pk})
    return donor


@transaction.atomic
def learn_blood_group(actor, donor: Donor, abo: str, rh: str = "") -> Donor:
    """A group the donor had no record of (or its Rh), learnt from a result sheet or a
    list; a known group is never changed here (a different one is refused by the caller)."""
    before = {"abo": donor.abo, "rh": donor.rh}
    donor.abo, donor.rh = donor.abo or abo, donor.rh or rh
    donor.save(update_fields=["abo", "rh"])
    record(actor, "blood.donor_group", donor, before=before,
           after={"abo": donor.abo, "rh": donor.rh})  # fmt: skip
    return donor


@transaction.atomic
def opt_out(actor, donor: Donor) -> Donor:
    """The donor asks for no more reminders (kept with its moment; consent stays as given)."""
    donor.reminders_opt_out_at = timezone.now()
    donor.save(update_fields=["reminders_opt_out_at"])
    record(actor, "blood.opt_out", donor, after={"opt_out": True})
    return donor


@transaction.atomic
def opt_in(actor, donor: Donor) -> Donor:
    """The donor wants reminders again (on their self-service page)."""
    donor.reminders_opt_out_at = None
    donor.save(update_fields=["reminders_opt_out_at"])
    record(actor, "blood.opt_in", donor, after={"opt_out": False})
    return donor


# --- drives ---------------------------------------------------------------------------------

DRIVE_FIELDS = [
    "code",
    "name",
    "organisation",
    "partners",
    "blood_centre",
    "commune",
    "address",
    "held_on",
    "starts_at",
    "ends_at",
    "target_units",
]


@transaction.atomic
def create_drive(actor, **fields) -> Drive:
    fields["code"] = (fields.get("code") or "").strip().upper() or _drive_code(fields["held_on"])
    if Drive.objects.filter(code=fields["code"]).exists():
        raise Refused(f"Mã đợt {fields['code']} đã có.", field="code")
    if fields["ends_at"] <= fields["starts_at"]:
        raise Refused("Giờ kết thúc phải sau giờ bắt đầu.", field="ends_at")
    drive = Drive.objects.create(**fields)
    DriveStatusChange.log(drive, drive.status, actor=actor, note="Tạo đợt hiến máu")
    record(actor, "blood.drive_create", drive, after={"code": drive.code, "name": drive.name})
    return drive


def _drive_code(day: date) -> str:
    prefix = f"HM-{day:%Y%m%d}-"
    n = Drive.objects.filter(code__startswith=prefix).count() + 1
    while Drive.objects.filter(code=f"{prefix}{n}").exists():
        n += 1
    return f"{prefix}{n}"


def moves_for(user, drive: Drive) -> Moves:
    return PIPELINE.moves_for(drive, can=lambda perm: access.can(user, perm, drive.organisation))


def check_results_present(drive: Drive) -> None:
    """The rule of "Xác nhận kết quả": the sheet has at least one line."""
    if not (drive.donations.exists() or drive.deferrals.exists()):
        raise Refused("Chưa nhập kết quả của đợt: chưa thể xác nhận.", field="to_status")


@transaction.atomic
def set_status(actor, drive: Drive, to_status: str, note: str = "") -> Drive:
    drive = Drive.objects.select_for_update().get(pk=drive.pk)
    before = PIPELINE.move(
        drive,
        to_status,
        actor=actor,
        history=DriveStatusChange,
        note=note,
        can=(lambda perm: access.can(actor, perm, drive.organisation)) if actor else None,
    )
    if to_status == D.RESULTS:  # the authorised officer confirms the centre's sheet
        drive.donations.filter(confirmed_at__isnull=True).update(
            confirmed_by=actor, confirmed_at=timezone.now()
        )
    record(actor, "blood.drive_status", drive, before={"status": before},
           after={"status": to_status, "note": note})  # fmt: skip
    return drive


# --- registrations --------------------------------------------------------------------------


def _register(actor, drive, donor, source, declaration) -> Registration:
    if Registration.objects.filter(drive=drive, donor=donor).exists():
        raise Refused(
            f"{donor.individual.full_name} đã đăng ký đợt “{drive.name}” rồi.", field="donor"
        )
    rules.check_age(donor.individual.birth_date, drive.held_on)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                drive=drive,
                donor=donor,
                source=source,
                declaration=declaration or {},
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise Refused(
            f"{donor.individual.full_name} đã đăng ký đợt “{drive.name}” rồi.", field="donor"
        ) from None
    record(actor, "blood.register", registration,
           after={"drive": drive.pk, "donor": donor.pk, "source": source},
           organisation=drive.organisation)  # fmt: skip
    return registration


@transaction.atomic
def register(actor, drive: Drive, donor: Donor, declaration=None) -> Registration:
    """An officer registers a donor (before or on the day)."""
    if drive.status not in (D.PLANNED, D.OPEN, D.HELD):
        raise Refused(f"Đợt “{drive.name}” đã đóng đăng ký.", field="donor")
    # a person registering themself on the public page is not refused: it is their own act,
    # and a refusal there would tell anyone who typed their name about the restriction
    privacy.refuse_if_restricted(donor.individual, "đăng ký hiến máu")
    return _register(actor, drive, donor, Source.OFFICER, declaration)


@transaction.atomic
def register_publicly(drive: Drive, *, full_name, birth_date, sex, phone, email="",
                      weight_kg=None, blood_group="", declaration=None,
                      consent_contact=False, consent_publish=False) -> Registration:  # fmt: skip
    """A person registers themself from the drive's public page. The self-declaration is kept
    for the collection site; it never decides. The person is found by the registry's linkage
    (same phone and name, same name and birth date) or created under the drive's organiser."""
    if drive.status != D.OPEN:
        raise Refused(f"Đợt “{drive.name}” hiện không nhận đăng ký.", field="full_name")
    rules.check_age(birth_date, drive.held_on)
    donor = find_donor(full_name=full_name, birth_date=birth_date, phone=phone)
    if donor is None:
        donor = create_donor(
            None,
            organisation=drive.organisation,
            full_name=full_name,
            birth_date=birth_date,
            sex=sex,
            phone=phone,
            email=email,
            commune=drive.commune,
            blood_group=blood_group,
            weight_kg=weight_kg,
            consent_contact=consent_contact,
            consent_publish=consent_publish,
        )
    return _register(None, drive, donor, Source.PUBLIC, declaration)


@transaction.atomic
def set_attended(actor, registration: Registration, attended: bool = True) -> Registration:
    registration.attended = attended
    registration.attended_at = timezone.now() if attended else None
    registration.save(update_fields=["attended", "attended_at"])
    record(actor, "blood.attend", registration, after={"attended": attended},
           organisation=registration.drive.organisation)  # fmt: skip
    return registration


# --- results --------------------------------------------------------------------------------


def check_donation(
    donor: Donor, *, donated_on: date, kind: str, volume_ml: int, weight_kg=None,
    confirm_early=False, today: date | None = None,
) -> bool:  # fmt: skip
    """Refuse what breaks a rule (future date, age, weight and volume, a second donation the
    same day); a donation before the previous one's interval is refused unless the centre
    confirmed it (NeedsConfirmation), and then flagged. Returns the flag `early`."""
    today = today or timezone.localdate()
    if donated_on > today:
        raise Refused(f"Ngày hiến {donated_on:%d/%m/%Y} ở tương lai.", field="donated_on")
    individual = donor.individual
    rules.check_age(individual.birth_date, donated_on, field="donated_on")
    weight = weight_kg if weight_kg is not None else donor.weight_kg
    rules.check_volume(individual.sex, weight, kind, volume_ml)
    if Donation.objects.filter(donor=donor, donated_on=donated_on).exists():
        raise Refused(
            f"{individual.full_name} đã có lần hiến ngày {donated_on:%d/%m/%Y}.",
            field="donated_on",
        )
    previous = (
        Donation.objects.filter(donor=donor, donated_on__lt=donated_on)
        .order_by("-donated_on")
        .first()
    )
    if previous is not None:
        ready = previous.donated_on + timedelta(
            days=rules.interval_days(previous.kind, previous.donated_on)
        )
        if donated_on < ready:
            if not confirm_early:
                raise NeedsConfirmation(
                    f"{individual.full_name} hiến lần trước ngày "
                    f"{previous.donated_on:%d/%m/%Y} ({previous.get_kind_display().lower()}): "
                    f"chưa đủ khoảng cách, dự kiến từ {ready:%d/%m/%Y}. Chỉ ghi nhận khi cơ sở "
                    "tiếp nhận máu xác nhận lần hiến này.",
                    field="donated_on",
                )
            return True
    return False


@transaction.atomic
def record_result(
    actor, drive: Drive, donor: Donor, *, kind: str, volume_ml: int, weight_kg=None,
    confirm_early=False,
) -> Donation:  # fmt: skip
    """A line of the centre's result sheet: who gave, what and how much. A donor who had not
    registered is accepted with a flag."""
    if drive.status != D.HELD:
        raise Refused(
            f"Chỉ nhập kết quả khi đợt ở tình trạng “{PIPELINE.label(D.HELD)}”.", field="donor"
        )
    early = check_donation(
        donor, donated_on=drive.held_on, kind=kind, volume_ml=volume_ml, weight_kg=weight_kg,
        confirm_early=confirm_early,
    )  # fmt: skip
    registered = Registration.objects.filter(drive=drive, donor=donor)
    donation = Donation.objects.create(
        donor=donor,
        organisation=drive.organisation,
        drive=drive,
        donated_on=drive.held_on,
        kind=kind,
        volume_ml=volume_ml,
        weight_kg=weight_kg,
        unregistered=not registered.exists(),
        early=early,
        recorded_by=actor,
    )
    registered.filter(attended=False).update(attended=True, attended_at=timezone.now())
    rules.refresh_donor(donor)
    record(actor, "blood.donation", donation,
           after={"drive": drive.pk, "donor": donor.pk, "kind": kind, "volume_ml": volume_ml,
                  "unregistered": donation.unregistered, "early": early},
           organisation=drive.organisation)  # fmt: skip
    return donation


@transaction.atomic
def record_deferral(actor, drive: Drive, donor: Donor, *, until: date, reason="") -> Deferral:
    if drive.status != D.HELD:
        raise Refused(
            f"Chỉ nhập kết quả khi đợt ở tình trạng “{PIPELINE.label(D.HELD)}”.", field="donor"
        )
    if until <= drive.held_on:
        raise Refused("Ngày hết hoãn phải sau ngày tổ chức đợt.", field="until")
    deferral = Deferral.objects.create(
        donor=donor, drive=drive, deferred_on=drive.held_on, until=until, reason=reason[:200]
    )
    rules.refresh_donor(donor)
    record(actor, "blood.deferral", deferral,
           after={"donor": donor.pk, "until": until.isoformat()},
           organisation=drive.organisation)  # fmt: skip
    return deferral
