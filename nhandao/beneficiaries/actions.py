"""Every change to the registry. Atomic, audited; callers have checked access and input."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.actions import record, snapshot
from nhandao.audit.models import EntryKind
from nhandao.beneficiaries import review
from nhandao.beneficiaries.models import (
    Every,
    Household,
    HouseholdPoverty,
    HumanitarianAddress,
    MatchCandidate,
    MatchStatus,
    MergeRecord,
    Person,
    PersonStatus,
    Relationship,
    SensitiveRead,
    Sponsor,
    Sponsorship,
    SponsorshipPayment,
    SupportKind,
    SupportRecord,
)
from nhandao.lib.errors import Refused
from nhandao.lib.money import format_vnd as vnd
from nhandao.lib.tasks import enqueue_on_commit
from nhandao.orgs import access

PERSON_FIELDS = [
    "organisation",
    "full_name",
    "sex",
    "birth_date",
    "birth_year",
    "id_number",
    "phone",
    "commune",
    "old_commune",
    "village",
    "address",
    "household",
    "relationship",
    "external_id",
    "status",
    "merged_into",
]
# What a change to a person may touch (organisation included: a transfer within the reach).
EDITABLE = [
    *[f for f in PERSON_FIELDS if f not in ("status", "merged_into")],
    "vulnerabilities",
    "consent_by",
    "consent_at",
    "consent_purpose",
]
# Filled on the survivor from the merged record when the survivor lacks them (vulnerabilities,
# a list, is filled apart).
FILLABLE = [f for f in EDITABLE if f not in ("organisation", "full_name", "vulnerabilities")]


@transaction.atomic
def create_household(actor, *, organisation, commune, old_commune=None, village="", address=""):
    household = Household.objects.create(
        organisation=organisation,
        commune=commune,
        old_commune=old_commune,
        village=village,
        address=address,
    )
    record(
        actor,
        "beneficiaries.household_created",
        household,
        after=snapshot(household, ["commune", "old_commune", "village", "address"]),
    )
    return household


@transaction.atomic
def create_person(actor, *, household=None, relationship="", **fields) -> Person:
    person = Person(household=household, relationship=relationship, created_by=actor, **fields)
    if household is not None and person.commune_id is None:
        person.commune_id, person.old_commune_id = household.commune_id, household.old_commune_id
        person.village = person.village or household.village
        person.address = person.address or household.address
    person.save()
    if household is not None and relationship == Relationship.HEAD:
        Household.objects.filter(pk=household.pk).update(head=person)
    record(actor, "beneficiaries.person_created", person, after=snapshot(person, PERSON_FIELDS))
    return person


HOUSEHOLD_FIELDS = ["organisation", "commune", "old_commune", "village", "address"]


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [name for name in after if before.get(name) != after[name]]
    return {n: before.get(n) for n in changed}, {n: after[n] for n in changed}


@transaction.atomic
def update_person(actor, person: Person, **fields) -> list[str]:
    """Change the given fields of an active person; audit old and new values of those that
    changed; keep the household's head in step. Returns the names of the changed fields."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Không sửa được các trường: {', '.join(sorted(unknown))}.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise Refused("Hồ sơ này đã được gộp vào hồ sơ khác: hãy sửa hồ sơ được giữ.")
    names = list(fields)
    before = snapshot(person, names)
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()
    before, after = _changes(before, snapshot(person, names))
    if not after:
        return []
    if "household" in after or "relationship" in after:
        is_head = person.household_id is not None and person.relationship == Relationship.HEAD
        Household.objects.filter(head=person).exclude(
            pk=person.household_id if is_head else None
        ).update(head=None)
        if is_head:
            Household.objects.filter(pk=person.household_id).update(head=person)
    record(actor, "beneficiaries.person_updated", person, before=before, after=after)
    return list(after)


@transaction.atomic
def update_household(actor, household: Household, poverty: dict | None = None, **fields):
    """Change a household's organisation or address (members who lived at its address move
    with it, each audited) and, with `poverty`, its status for a year. Returns the changed
    field names."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    names = [n for n in HOUSEHOLD_FIELDS if n in fields]
    before = snapshot(household, names)
    old_place = {f: getattr(household, f"{f}_id") for f in ("commune", "old_commune")}
    old_place.update(village=household.village, address=household.address)
    for name in names:
        setattr(household, name, fields[name])
    household.save()
    before, after = _changes(before, snapshot(household, names))
    if after:
        record(actor, "beneficiaries.household_updated", household, before=before, after=after)
    moved = {f: fields[f] for f in ("commune", "old_commune", "village", "address") if f in after}
    if moved:
        lived_here = {
            f"{f}_id" if f in ("commune", "old_commune") else f: v for f, v in old_place.items()
        }
        members = household.members.filter(status=PersonStatus.ACTIVE, **lived_here)
        for member in members.select_for_update():
            update_person(actor, member, **moved)
    if poverty is not None:
        set_poverty(actor, household, **poverty)
        after["poverty"] = poverty["year"]
    return list(after)


@transaction.atomic
def set_poverty(
    actor, household, *, year, status, certified_by="", certificate_no="", certified_on=None
) -> HouseholdPoverty:
    """The household's poverty status for `year` (one row per year), audited old and new."""
    fields = ["year", "status", "certified_by", "certificate_no", "certified_on"]
    old = HouseholdPoverty.objects.filter(household=household, year=year).first()
    before = snapshot(old, fields) if old is not None else None
    row, _ = HouseholdPoverty.objects.update_or_create(
        household=household,
        year=year,
        defaults={
            "status": status,
            "certified_by": certified_by,
            "certificate_no": certificate_no,
            "certified_on": certified_on,
        },
    )
    record(
        actor,
        "beneficiaries.poverty_set",
        household,
        organisation=household.organisation,
        before=before,
        after=snapshot(row, fields),
    )
    return row


@transaction.atomic
def record_support(
    actor,
    *,
    organisation,
    date,
    kind,
    value,
    note="",
    person=None,
    household=None,
    sponsorship=None,
) -> SupportRecord:
    support = SupportRecord.objects.create(
        organisation=organisation,
        person=person,
        household=household,
        date=date,
        kind=kind,
        value=value,
        note=note,
        sponsorship=sponsorship,
        created_by=actor,
    )
    record(
        actor,
        "beneficiaries.support_recorded",
        support,
        after=snapshot(support, ["person", "household", "date", "kind", "value"]),
    )
    return support


# ---- duplicates: decisions ----


def _require_edit_both(actor, a: Person, b: Person) -> None:
    if not (
        access.can(actor, "edit", a.organisation) and access.can(actor, "edit", b.organisation)
    ):
        raise PermissionDenied(
            "Bạn không có quyền gộp hai hồ sơ này: cần quyền nhập liệu ở cả hai tổ chức quản lý "
            f"(“{a.organisation}” và “{b.organisation}”)."
        )


def _pair(a: Person, b: Person) -> tuple[int, int]:
    return (a.pk, b.pk) if a.pk < b.pk else (b.pk, a.pk)


@transaction.atomic
def merge_persons(actor, survivor: Person, merged: Person, candidate=None) -> MergeRecord:
    """`merged` is the same person as `survivor`: its support history and links move to the
    survivor, missing fields are filled, and it stays (status merged) so the merge can be undone.
    """
    _require_edit_both(actor, survivor, merged)
    if survivor.pk == merged.pk or not (survivor.is_active and merged.is_active):
        raise Refused("Chỉ gộp được hai hồ sơ khác nhau, đang được quản lý.")
    before = {}  # only what this merge fills, so that undoing it takes back only that
    for name in FILLABLE:
        attname = Person._meta.get_field(name).attname
        if getattr(survivor, attname) in (None, "") and getattr(merged, attname) not in (None, ""):
            before[name] = getattr(survivor, attname)
            setattr(survivor, attname, getattr(merged, attname))
    if not survivor.vulnerabilities and merged.vulnerabilities:
        before["vulnerabilities"] = survivor.vulnerabilities
        survivor.vulnerabilities = merged.vulnerabilities
    survivor.save()
    moved = _move_links(merged, survivor)
    merged.status, merged.merged_into = PersonStatus.MERGED, survivor
    merged.save(update_fields=["status", "merged_into"])
    if candidate is None:
        low, high = _pair(survivor, merged)
        candidate = MatchCandidate.objects.filter(person_a_id=low, person_b_id=high).first()
    if candidate is not None:
        candidate.status, candidate.decided_by = MatchStatus.MERGED, actor
        candidate.decided_at = timezone.now()
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
    merge = MergeRecord.objects.create(
        candidate=candidate,
        survivor=survivor,
        merged=merged,
        merged_by=actor,
        survivor_before={k: _json(v) for k, v in before.items()},
        moved=moved,
    )
    record(
        actor,
        "beneficiaries.persons_merged",
        survivor,
        after={"merged": merged.pk, "moved": {k: len(v) for k, v in moved.items()}},
    )
    review.queue_changed()  # the cached counts of duplicate groups
    return merge


def merge_pair(actor, candidate: MatchCandidate, keep: int | None = None) -> MergeRecord:
    """The two persons of `candidate` are one: merged into person B if `keep` is its pk,
    else into person A."""
    survivor, merged = candidate.person_a, candidate.person_b
    if keep == candidate.person_b_id:
        survivor, merged = merged, survivor
    return merge_persons(actor, survivor, merged, candidate)


# Records that stay with the record they were written about (history, logs, the pair itself).
NOT_MOVED = {"beneficiaries.sensitiveread", "beneficiaries.matchcandidate",
             "beneficiaries.mergerecord", "beneficiaries.person"}  # fmt: skip


def _person_links():
    """(model, field name) of every foreign key to Person from other records, any app:
    support history, humanitarian addresses, household heads, relief lines, …"""
    # include_hidden: links without a reverse accessor (related_name="+", such as the
    # household's head) move too
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue  # not a link from another record
        if rel.many_to_many or rel.one_to_one:
            continue
        if rel.related_model._meta.label_lower in NOT_MOVED:
            continue
        yield rel.related_model, rel.field.name


def _move_links(merged: Person, survivor: Person) -> dict[str, list]:
    moved = {}
    for model, field in _person_links():
        ids = list(model.objects.filter(**{field: merged}).values_list("pk", flat=True))
        if ids:
            model.objects.filter(pk__in=ids).update(**{field: survivor})
            moved[f"{model._meta.label_lower}.{field}"] = ids
    return moved


def _restore_links(moved: dict, merged: Person) -> None:
    for model, field in _person_links():
        ids = moved.get(f"{model._meta.label_lower}.{field}")
        if ids:
            model.objects.filter(pk__in=ids).update(**{field: merged})


def _json(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def undo_merge(actor, merge: MergeRecord) -> Person:
    """Put everything back as it was before `merge`: the links that moved, the fields it
    filled on the survivor (unless changed since, by an edit or another merge), its pairs."""
    survivor, merged = merge.survivor, merge.merged
    _require_edit_both(actor, survivor, merged)
    if merge.undone_at is not None:
        raise Refused("Việc gộp này đã được hoàn tác.")
    for name, value in merge.survivor_before.items():
        field = Person._meta.get_field(name)
        if getattr(survivor, field.attname) != getattr(merged, field.attname):
            continue  # not (or no longer) what this merge filled in
        setattr(survivor, field.attname, field.to_python(value) if value is not None else None)
    survivor.save()
    _restore_links(merge.moved, merged)
    merged.status, merged.merged_into = PersonStatus.ACTIVE, None
    merged.save(update_fields=["status", "merged_into"])
    pairs = [merge.candidate_id, *merge.group_pairs] if merge.candidate_id else merge.group_pairs
    if pairs:
        MatchCandidate.objects.filter(pk__in=pairs, status=MatchStatus.MERGED).update(
            status=MatchStatus.PENDING, decided_by=None, decided_at=None
        )
    merge.undone_by, merge.undone_at = actor, timezone.now()
    merge.save(update_fields=["undone_by", "undone_at"])
    record(actor, "beneficiaries.merge_undone", survivor, after={"restored": merged.pk})
    review.queue_changed()  # the cached counts of duplicate groups
    return merged


@transaction.atomic
def merge_group(actor, survivor: Person, others: list[Person], candidates) -> list[MergeRecord]:
    """A whole group of pending pairs is one person: each of `others` merges into `survivor`
    (one MergeRecord each, undone one by one as before), through its pair with the survivor
    where there is one; the group's other pairs are decided with the merge of one of their
    persons. All or nothing: rights at every organisation of the group are checked first."""
    members = [survivor, *others]
    lacking = sorted(
        {str(p.organisation) for p in members if not access.can(actor, "edit", p.organisation)}
    )
    if lacking:
        raise PermissionDenied(
            "Bạn không có quyền gộp cả nhóm: cần quyền nhập liệu ở mọi tổ chức quản lý các hồ "
            f"sơ trong nhóm (thiếu: {', '.join(f'“{o}”' for o in lacking)})."
        )
    pending = {c.pk: c for c in candidates}
    merges: dict[int, MergeRecord] = {}
    for other in others:
        ends = [c for c in pending.values() if other.pk in (c.person_a_id, c.person_b_id)]
        direct = [c for c in ends if survivor.pk in (c.person_a_id, c.person_b_id)]
        candidate = (direct or ends or [None])[0]
        if candidate is not None:
            del pending[candidate.pk]
        merges[other.pk] = merge_persons(actor, survivor, other, candidate)
    now = timezone.now()
    for c in pending.values():  # between two merged records: decided with the later one
        MatchCandidate.objects.filter(pk=c.pk).update(
            status=MatchStatus.MERGED, decided_by=actor, decided_at=now
        )
        merge = merges[max(c.person_a_id, c.person_b_id)]
        merge.group_pairs.append(c.pk)
    for merge in merges.values():
        if merge.group_pairs:
            merge.save(update_fields=["group_pairs"])
    record(
        actor,
        "beneficiaries.group_merged",
        survivor,
        after={"merged": [p.pk for p in others], "pairs": sorted(c.pk for c in candidates)},
    )
    review.queue_changed()  # the cached counts of duplicate groups
    return list(merges.values())


@transaction.atomic
def mark_distinct(actor, candidate: MatchCandidate) -> MatchCandidate:
    """Two different people: remembered, never proposed again."""
    a, b = candidate.person_a, candidate.person_b
    if not (access.can(actor, "edit", a.organisation) or access.can(actor, "edit", b.organisation)):
        raise PermissionDenied("Bạn không có quyền quyết định về cặp hồ sơ này.")
    candidate.status, candidate.decided_by = MatchStatus.DISTINCT, actor
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        actor,
        "beneficiaries.marked_distinct",
        a,
        organisation=a.organisation,
        after={"other": b.pk},
    )
    return candidate


# ---- humanitarian addresses and sponsors ----


@transaction.atomic
def create_address(
    actor,
    *,
    organisation,
    person=None,
    household=None,
    needs="",
    since,
    public_consent=False,
    public_summary="",
):
    address = HumanitarianAddress.objects.create(
        organisation=organisation,
        person=person,
        household=household,
        needs=needs,
        since=since,
        public_consent=public_consent,
        public_summary=public_summary,
    )
    record(
        actor,
        "beneficiaries.address_created",
        address,
        after=snapshot(address, ["person", "household", "needs", "since"]),
    )
    return address


@transaction.atomic
def create_sponsor(actor, *, organisation, name, contact="", sponsor_org=None) -> Sponsor:
    sponsor = Sponsor.objects.create(
        organisation=organisation, name=name, contact=contact, sponsor_org=sponsor_org
    )
    record(actor, "beneficiaries.sponsor_created", sponsor, after={"name": name})
    return sponsor


class CommitmentError(Refused):
    """A commitment or a payment that the rules refuse (message in Vietnamese)."""


def _money(value, field: str, what: str) -> int:
    """A whole number of đồng, not negative (a fraction or a negative refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise CommitmentError(f"{what} phải là số nguyên đồng.", field=field)
    if value < 0:
        raise CommitmentError(f"{what} không được âm.", field=field)
    return value


@transaction.atomic
def commit_sponsorship(
    actor,
    address,
    *,
    sponsor,
    amount=0,
    goods="",
    start,
    end=None,
    months=None,
    every=1,
    campaign=None,
    monthly_amount=None,
):
    """A sponsor commits to an address: `amount` đồng (or goods) each period of `every`
    months from `start` to `end` (or for `months` months). The address must be in the
    actor's reach to edit, the sponsor in their view."""
    from nhandao.beneficiaries import commitments

    access.require(actor, "edit", address.organisation)
    if not Sponsor.objects.for_user(actor).filter(pk=sponsor.pk).exists():
        raise CommitmentError("Không có nhà đỡ đầu này trong phạm vi của bạn.", field="sponsor")
    if monthly_amount is not None and not amount:  # the former name of `amount` (every=1)
        amount = monthly_amount
    amount = _money(amount, "amount", "Số tiền mỗi kỳ")
    if not amount and not (goods or "").strip():
        raise CommitmentError("Hãy ghi số tiền mỗi kỳ hoặc hiện vật.", field="amount")
    if every not in Every.values:
        raise CommitmentError("Kỳ trả phải là tháng, quý, nửa năm hoặc năm.", field="every")
    if end is None:
        if not months or months < 1:
            raise CommitmentError("Hãy ghi ngày kết thúc cam kết.", field="end")
        end = commitments.end_of(start, months)
    if end < start:
        raise CommitmentError(
            f"Ngày kết thúc ({end:%d/%m/%Y}) trước ngày bắt đầu ({start:%d/%m/%Y}).", field="end"
        )
    months = max(1, (end.year - start.year) * 12 + end.month - start.month + 1)
    if months > 600:
        raise CommitmentError("Cam kết dài quá 50 năm.", field="end")
    sponsorship = Sponsorship.objects.create(
        address=address,
        sponsor=sponsor,
        campaign=campaign,
        amount=amount,
        goods=(goods or "").strip(),
        every=every,
        start=start,
        end=end,
        months=months,
    )
    record(
        actor,
        "beneficiaries.sponsorship_committed",
        address,
        after={
            "sponsor": sponsor.pk,
            "amount": amount,
            "every": every,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    )
    return sponsorship


def address_account(address, campaign=None):
    """The ledger account of an address's sponsor money: earmarked to the address (the
    label names the address by number only: campaign ledgers are published)."""
    return ledger.account_for(
        address.organisation,
        campaign,
        earmark=f"address:{address.pk}",
        earmark_label=f"Địa chỉ nhân đạo số {address.pk}",
    )


@transaction.atomic
def pay_sponsorship(
    actor, sponsorship, *, period, paid_on, amount=None, goods="", reason=""
) -> SponsorshipPayment:
    """Record one period of a commitment as paid: the money in from the sponsor and out to
    the address (two ledger entries of the address's account), a line in the support book.
    Needs "money" at the address's organisation. Refuses a period that is not one of the
    commitment's, a period already paid, a negative or fractional amount, and an amount
    above the commitment without a reason."""
    address = sponsorship.address
    access.require(actor, "money", address.organisation)
    # the commitment's row locked: two clerks paying the same period wait for each other
    Sponsorship.objects.select_for_update().filter(pk=sponsorship.pk).first()
    if period not in sponsorship.due_dates():
        raise CommitmentError(
            f"Ngày {period:%d/%m/%Y} không phải một kỳ của cam kết (từ "
            f"{sponsorship.start:%d/%m/%Y} đến {sponsorship.end:%d/%m/%Y}).",
            field="period",
        )
    if sponsorship.payments.filter(period=period, reversed_at__isnull=True).exists():
        raise CommitmentError(f"Kỳ {period:%d/%m/%Y} của cam kết này đã được trả.", field="period")
    amount = sponsorship.amount if amount is None else _money(amount, "amount", "Số tiền")
    reason = (reason or "").strip()
    if amount > sponsorship.amount and not reason:
        raise CommitmentError(
            f"Số tiền {vnd(amount)} cao hơn cam kết ({vnd(sponsorship.amount)} mỗi kỳ): "
            "hãy ghi lý do.",
            field="reason",
        )
    goods = (goods or "").strip() or sponsorship.goods
    if not amount and not goods:
        raise CommitmentError("Hãy ghi số tiền hoặc hiện vật đã trao.", field="amount")
    entry_in = entry_out = None
    label = f"kỳ {period:%m/%Y}"
    if amount:
        account = address_account(address, sponsorship.campaign)
        entry_in = ledger.post(
            account,
            amount,
            booked_on=paid_on,
            kind=EntryKind.DONATION,
            memo=f"{sponsorship.sponsor.name} đỡ đầu {label}",
            source=f"sponsorship:{sponsorship.pk}",
            actor=actor,
        )
        entry_out = ledger.post(
            account,
            -amount,
            booked_on=paid_on,
            kind=EntryKind.SPEND,
            memo=f"Trao cho địa chỉ nhân đạo số {address.pk}, {label}",
            source=f"sponsorship:{sponsorship.pk}",
            actor=actor,
        )
    support = SupportRecord.objects.create(
        organisation=address.organisation,
        person=address.person,
        household=address.household,
        date=paid_on,
        kind=SupportKind.CASH if amount else SupportKind.GIFT,
        value=amount,
        note=f"Đỡ đầu {label}" + (f": {goods}" if goods else ""),
        sponsorship=sponsorship,
        created_by=actor,
    )
    payment = SponsorshipPayment.objects.create(
        sponsorship=sponsorship,
        period=period,
        paid_on=paid_on,
        amount=amount,
        goods=goods if not amount else (goods if goods != sponsorship.goods else ""),
        reason=reason,
        entry_in=entry_in,
        entry_out=entry_out,
        support=support,
        created_by=actor,
    )
    record(
        actor,
        "beneficiaries.sponsorship_paid",
        address,
        after={"sponsorship": sponsorship.pk, "period": period.isoformat(), "amount": amount},
    )
    return payment


@transaction.atomic
def reverse_sponsorship_payment(actor, payment, *, reason: str) -> SponsorshipPayment:
    """Undo a payment recorded in error (wrong period, amount or address): its two ledger
    entries reversed (the spend first, so the account never goes below zero), its support
    line annulled, the period free to be paid again. Nothing is deleted. Needs "money" at
    the address's organisation and a reason; a payment is reversed once."""
    address = payment.sponsorship.address
    access.require(actor, "money", address.organisation)
    payment = SponsorshipPayment.objects.select_for_update().get(pk=payment.pk)
    label = f"kỳ {payment.period:%m/%Y}"
    if payment.reversed_at is not None:
        when = timezone.localtime(payment.reversed_at)
        raise CommitmentError(f"Khoản trả {label} đã được đảo lúc {when:%H:%M %d/%m/%Y}.")
    reason = (reason or "").strip()
    if not reason:
        raise CommitmentError("Hãy ghi lý do đảo khoản trả.", field="reason")
    for entry in (payment.entry_out, payment.entry_in):
        if entry is not None:
            ledger.reverse(entry, actor=actor, memo=f"Đảo khoản đỡ đầu {label}: {reason}"[:255])
    now = timezone.now()
    SupportRecord.objects.filter(pk=payment.support_id).update(
        annulled_at=now, annul_reason=reason[:255]
    )
    payment.reversed_at, payment.reversed_by, payment.reverse_reason = now, actor, reason[:255]
    payment.save(update_fields=["reversed_at", "reversed_by", "reverse_reason"])
    record(
        actor,
        "beneficiaries.sponsorship_reversed",
        address,
        before={
            "sponsorship": payment.sponsorship_id,
            "period": payment.period.isoformat(),
            "amount": payment.amount,
        },  # fmt: skip
        after={"reverse_reason": reason},
    )
    return payment


# ---- reads of personal data (logged: who read what, through which channel) ----


def log_sensitive_read(user, persons, channel: str, fields=Person.SENSITIVE, purpose=None) -> None:
    """Record that `user` read the sensitive fields of each of `persons`, and why (a
    ReadPurpose, chosen on the page)."""
    SensitiveRead.objects.bulk_create(
        SensitiveRead(
            user=user,
            person=p,
            organisation_id=p.organisation_id,
            fields=",".join(fields),
            channel=channel,
            purpose=purpose,
        )
        for p in persons
    )


def log_household_read(user, household, channel: str, purpose=None) -> None:
    """Poverty status is a household's sensitive data: its reads go to the audit log, with
    the purpose stated."""
    after = {"fields": ["poverty"], "channel": channel}
    if purpose is not None:
        after["purpose"] = purpose.code
    record(user, "beneficiaries.sensitive_read", household, after=after)


# ---- background work: uploaded lists and full duplicate runs ----


@transaction.atomic
def upload_list(actor, organisation, file_name: str, content: bytes):
    """Record an uploaded list and have the worker check it (the import page shows the
    progress, then the preview)."""
    from nhandao.beneficiaries import importers, tasks

    batch = importers.start(actor, organisation, file_name, content)
    if not batch.repeated:  # the same file again: its earlier batch answers, checked already
        enqueue_on_commit(tasks.preview_import_task, batch.pk)
    return batch


def start_dedup_run(actor) -> None:
    """Have the worker run the full duplicate detection (its pairs appear in the review
    queue)."""
    from nhandao.beneficiaries import tasks

    enqueue_on_commit(tasks.run_dedup_task, actor.pk)
