"""Distribution rounds: the list of recipients (by hand, from the registry, from a file), the
round's status pipeline, confirming receipt (overlap check, money or goods out, a support
record in the registry)."""

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.actions import record, snapshot
from nhandao.audit.models import EntryKind
from nhandao.beneficiaries import actions as registry
from nhandao.lib.money import format_vnd
from nhandao.lib.text import nfc
from nhandao.orgs import access
from nhandao.relief import rules
from nhandao.relief.actions.common import (
    _flow,
    _fmt_qty,
    _qty,
    _require,
    _user,
    balance_of,
    existing_account,
)
from nhandao.relief.actions.stock import _stock_move, stock_of
from nhandao.relief.models import (
    OVERLAP_KINDS,
    ROUND_PIPELINE,
    SUPPORT_KIND,
    DistributionLine,
    DistributionRound,
    DistributionSummary,
    KindPolicy,
    LineStatus,
    MoveKind,
    RoundStatus,
    RoundStatusChange,
)
from nhandao.relief.rules import OverlapWarning, ReliefError

RS = RoundStatus


@transaction.atomic
def create_round(
    actor,
    *,
    organisation,
    campaign,
    kind,
    name,
    date,
    place="",
    commune=None,
    earmark="",
    warehouse=None,
    item=None,
    incident=None,
) -> DistributionRound:
    _require(actor, "edit", organisation, "Bạn không có quyền lập đợt cấp phát cho tổ chức này.")
    if (warehouse is None) != (item is None):
        raise ReliefError("Đợt cấp hàng cần chọn cả kho xuất và mặt hàng.")
    if warehouse is not None and warehouse.organisation_id != organisation.pk:
        raise ReliefError("Chỉ xuất hàng từ kho của chính tổ chức cấp phát.")
    if kind == "cash" and item is not None:
        raise ReliefError("Đợt cấp tiền mặt không xuất hàng từ kho.")
    if commune is not None and not access.unit_within(commune, access.area_units(organisation)):
        raise ReliefError(f"“{commune}” nằm ngoài địa bàn của “{organisation}”.")
    rules.check_distribution_deadline(campaign, date)
    rnd = DistributionRound.objects.create(
        organisation=organisation,
        campaign=campaign,
        kind=kind,
        name=nfc(name),
        date=date,
        place=nfc(place),
        commune=commune,
        earmark=earmark or "",
        warehouse=warehouse,
        item=item,
        incident=incident,
        created_by=_user(actor),
    )
    RoundStatusChange.log(rnd, RS.DRAFT, actor=actor, note="Lập đợt")
    record(
        actor,
        "relief.round_created",
        rnd,
        after=snapshot(rnd, ["campaign", "kind", "name", "date", "commune", "earmark"]),
    )
    return rnd


def recipient_key(household=None, person=None) -> str:
    if person is not None:
        return person.name_key
    if household is not None and household.head_id:
        return household.head.name_key
    return ""


def recipient_label(household=None, person=None) -> str:
    if person is not None:
        return person.full_name
    if household is not None and household.head_id:
        return household.head.full_name
    return f"Hộ #{household.pk}" if household is not None else ""


def _check_money_use(rnd, *, commune=None, household=None, person=None) -> None:
    """Earmarks and the Decree 93 list, for spending the round's source account."""
    if rnd.earmark:
        account = existing_account(rnd.organisation, rnd.campaign, rnd.earmark)
        rules.check_spend_earmark(
            rnd.earmark,
            org=rnd.organisation,
            commune=commune or rnd.commune,
            purpose_text=f"{rnd.name} {rnd.get_kind_display()}",
            recipient_key=recipient_key(household, person),
            label=account.earmark_label if account else "",
            household_id=household.pk
            if household is not None
            else getattr(person, "household_id", None),
            person_id=person.pk if person is not None else None,
            incident_id=rnd.incident_id,
        )
    elif not rnd.is_goods:
        policy = KindPolicy.objects.filter(kind=rnd.kind).select_related("allowed_use").first()
        rules.check_unconditional_use(
            rnd.campaign,
            purpose=policy.allowed_use if policy else None,
            kind_label=rnd.get_kind_display(),
        )


def line_problems(rnd, entries, *, check_values: bool = True) -> list[tuple[int, str, str]]:
    """What is wrong with `entries` = [(label, household, person, value, quantity)], as
    (index of the entry, field, Vietnamese message); field is "recipient", "value" or
    "quantity". Reach, merged records, duplicates (in the batch and in the round), earmarks,
    and (with `check_values`) values. Empty when all are good."""
    from nhandao.beneficiaries.models import Household, Person

    problems = []
    org = rnd.organisation
    reach = rules.serves_q(org)
    hh_ids = {h.pk for _, h, _, _, _ in entries if h is not None}
    p_ids = {p.pk for _, _, p, _, _ in entries if p is not None}
    ok_hh = set(Household.objects.filter(reach, pk__in=hh_ids).values_list("pk", flat=True))
    ok_p = set(Person.objects.filter(reach, pk__in=p_ids).values_list("pk", flat=True))
    existing = DistributionLine.objects.filter(round=rnd).exclude(status=LineStatus.CANCELLED)
    taken_hh = set(existing.filter(household_id__in=hh_ids).values_list("household_id", flat=True))
    taken_p = set(existing.filter(person_id__in=p_ids).values_list("person_id", flat=True))
    seen_hh, seen_p = {}, {}
    for index, (label, household, person, value, quantity) in enumerate(entries):

        def problem(field, message, index=index):
            problems.append((index, field, message))

        who = recipient_label(household, person)
        if household is None and person is None:
            problem("recipient", "không xác định được hộ hoặc người nhận.")
            continue
        if (
            household is not None
            and household.pk not in ok_hh
            or (person is not None and person.pk not in ok_p)
        ):
            problem("recipient", f"“{who}” nằm ngoài phạm vi quản lý và địa bàn của “{org}”.")
        if person is not None and not person.is_active:
            problem("recipient", f"hồ sơ “{who}” đã được gộp vào hồ sơ khác.")
        if household is not None:
            if household.pk in taken_hh:
                problem("recipient", f"hộ “{who}” đã có trong danh sách của đợt này.")
            elif household.pk in seen_hh:
                problem("recipient", f"trùng hộ “{who}” với {seen_hh[household.pk]}.")
            seen_hh.setdefault(household.pk, label)
        if person is not None:
            if person.pk in taken_p:
                problem("recipient", f"“{who}” đã có trong danh sách của đợt này.")
            elif person.pk in seen_p:
                problem("recipient", f"trùng người “{who}” với {seen_p[person.pk]}.")
            seen_p.setdefault(person.pk, label)
        if check_values:
            if value is None or int(value) < 0:
                problem("value", "trị giá phải là số đồng không âm.")
            if rnd.is_goods and (quantity is None or _qty(quantity) <= 0):
                problem("quantity", "đợt cấp hàng cần số lượng lớn hơn 0.")
            if not rnd.is_goods and (value is None or int(value) <= 0):
                problem("value", "số tiền phải lớn hơn 0.")
        if rnd.earmark:
            try:
                commune = household.commune if household is not None else person.commune
                _check_money_use(rnd, commune=commune, household=household, person=person)
            except ReliefError as exc:
                problem("recipient", str(exc))
    return problems


def validate_lines(rnd, entries) -> list[str]:
    """Errors (Vietnamese, each starting with the entry's label) for `entries`; empty when
    all are good."""
    return [
        f"{entries[index][0]}: {message}" for index, _field, message in line_problems(rnd, entries)
    ]


def check_accepts_lines(rnd) -> None:
    """Can recipients be added to the round at all (its status, and for unconditional cash the
    Decree 93 list of uses)?"""
    if not rnd.takes_recipients:
        raise ReliefError("Đợt cấp phát đã kết thúc hoặc đã hủy: không thêm được người nhận.")
    if not rnd.earmark and not rnd.is_goods:
        _check_money_use(rnd)


@transaction.atomic
def add_lines(actor, rnd: DistributionRound, entries, *, source="manual") -> list:
    """Add beneficiary lines, all or nothing. `entries` = [(label, household, person, value,
    quantity)]; `label` names the row in messages ("Dòng 5")."""
    _require(actor, "edit", rnd.organisation, "Bạn không có quyền sửa danh sách đợt này.")
    check_accepts_lines(rnd)
    if not entries:
        raise ReliefError("Không có người nhận nào để thêm.")
    errors = validate_lines(rnd, entries)
    if errors:
        raise ReliefError("\n".join(errors))
    lines = []
    for _, household, person, value, quantity in entries:
        commune = (person.commune_id if person is not None else None) or (
            household.commune_id if household is not None else None
        )
        lines.append(
            DistributionLine(
                round=rnd,
                campaign_id=rnd.campaign_id,
                organisation_id=rnd.organisation_id,
                household=household,
                person=person,
                commune_id=commune,
                recipient_name=recipient_label(household, person)[:150],
                value=int(value or 0),
                quantity=_qty(quantity) if quantity is not None else None,
                source=source,
            )
        )
    try:
        with transaction.atomic():
            created = DistributionLine.objects.bulk_create(lines, batch_size=1000)
    except IntegrityError as exc:  # a concurrent request added the same recipient
        raise ReliefError("Danh sách có người nhận trùng với dòng vừa được thêm.") from exc
    record(
        actor,
        "relief.lines_added",
        rnd,
        after={
            "count": len(created),
            "source": source,
            "value": sum(line.value for line in created),
        },
    )
    return created


def eligible_households(rnd, *, commune=None, statuses=("poor",), year=None):
    """Registry households the round's organisation may serve, with a poverty status of
    `year` in `statuses` (the filter behind "add the poor households of a commune")."""
    from nhandao.beneficiaries.models import Household

    year = year or rnd.date.year
    qs = Household.objects.filter(
        rules.serves_q(rnd.organisation),
        poverty_statuses__year=year,
        poverty_statuses__status__in=list(statuses),
    )
    if commune is not None:
        qs = qs.filter(commune=commune)
    return qs.select_related("head", "commune").distinct().order_by("pk")


def add_lines_from_registry(
    actor,
    rnd,
    *,
    value,
    quantity=None,
    commune=None,
    statuses=("poor",),
    year=None,
    skip_present=True,
):
    households = list(eligible_households(rnd, commune=commune, statuses=statuses, year=year))
    if skip_present:
        present = set(
            DistributionLine.objects.filter(round=rnd, household__isnull=False).values_list(
                "household_id", flat=True
            )
        )
        households = [h for h in households if h.pk not in present]
    if not households:
        raise ReliefError(
            "Không có hộ nào phù hợp điều kiện lọc (hoặc tất cả đã có trong danh sách)."
        )
    entries = [(f"Hộ #{h.pk}", h, None, value, quantity) for h in households]
    return add_lines(actor, rnd, entries, source="filter")


def round_moves(rnd, user):
    """The moves `user` may make on the round now (one button each on its page)."""
    return ROUND_PIPELINE.moves_for(rnd, can=lambda perm: access.can(user, perm, rnd.organisation))


def check_round_can_open(rnd) -> None:
    """The rule of draft → open (ROUND_PIPELINE): within Decree 93's distribution deadline,
    and the planned lines fit the fund (cash) or the stock (goods)."""
    rules.check_distribution_deadline(rnd.campaign, rnd.date)
    _check_round_budget(rnd)


@transaction.atomic
def set_round_status(actor, rnd: DistributionRound, to_status: str, note: str = ""):
    """The one way to move a round: a move of ROUND_PIPELINE the actor may make. Closing
    cancels the lines nobody came for (they stay in the list, as not received)."""
    rnd = DistributionRound.objects.select_for_update().get(pk=rnd.pk)
    _require(actor, "edit", rnd.organisation, "Bạn không có quyền với đợt cấp phát này.")
    before = ROUND_PIPELINE.move(
        rnd,
        to_status,
        actor=actor,
        history=RoundStatusChange,
        note=note,
        can=lambda perm: access.can(actor, perm, rnd.organisation),
    )
    if to_status == RS.CLOSED:
        DistributionLine.objects.filter(round=rnd, status=LineStatus.PLANNED).update(
            status=LineStatus.CANCELLED
        )
    record(
        actor,
        "relief.round_status",
        rnd,
        before={"status": before},
        after={"status": to_status, "note": note},
    )
    return rnd


def round_budget(rnd):
    """(what the planned lines need, what the round has): the quantity of goods and the
    warehouse's stock for a goods round, the value and the fund's balance for cash."""
    planned = DistributionLine.objects.filter(round=rnd, status=LineStatus.PLANNED)
    if rnd.is_goods:
        need = planned.aggregate(q=Sum("quantity"))["q"] or 0
        return need, stock_of(rnd.warehouse, rnd.item, rnd.campaign)
    need = planned.aggregate(v=Sum("value"))["v"] or 0
    return need, balance_of(rnd.organisation, rnd.campaign, rnd.earmark)


def _check_round_budget(rnd) -> None:
    """Opening a round: the planned lines must fit the fund (cash) or the stock (goods)."""
    if not DistributionLine.objects.filter(round=rnd, status=LineStatus.PLANNED).exists():
        raise ReliefError("Danh sách cấp phát chưa có người nhận.")
    need, have = round_budget(rnd)
    if need <= have:
        return
    if rnd.is_goods:
        raise ReliefError(
            f"Vượt tồn kho: danh sách cần {_fmt_qty(_qty(need))} {rnd.item.unit} "
            f"{rnd.item.name}, kho “{rnd.warehouse}” chỉ còn {_fmt_qty(have)}."
        )
    raise ReliefError(
        f"Vượt số dư: danh sách cần {format_vnd(need)}, quỹ chiến dịch "
        f"của “{rnd.organisation}” chỉ còn {format_vnd(have)}."
    )


def overlap_days(kind: str) -> int:
    """The window in which an earlier support of the same kind counts as an overlap."""
    policy = KindPolicy.objects.filter(kind=kind).first()
    return policy.overlap_days if policy else 30


def overlap_warnings(rnd, lines) -> dict:
    """{line id: warning} for the planned lines among `lines` (a page of an open round)."""
    planned = {line.pk: line for line in lines if line.status == LineStatus.PLANNED}
    found = _overlaps(rnd, planned.values())
    return {pk: overlap_message(planned[pk], matches) for pk, matches in found.items()}


def overlaps_for(line: DistributionLine) -> list:
    """Earlier supports of the same kind within the kind's window (any organisation)."""
    return _overlaps(line.round, [line]).get(line.pk, [])


def _overlaps(rnd, lines) -> dict:
    return rules.overlapping_supports(
        (
            (
                line.pk,
                line.household_id,
                line.person_id,
                line.person.household_id if line.person_id else None,
                line.support_record_id,
            )
            for line in lines
        ),
        kinds=OVERLAP_KINDS[rnd.kind],
        day=rnd.date,
        days=overlap_days(rnd.kind),
    )


def duplicate_notes(rnd, lines, user) -> dict[int, list[dict]]:
    """{line id: [{"person_id", "name", "text"}]} for the planned lines among `lines` whose
    recipient is likely the same as another, unmerged record (a pending dedup pair) that
    received support of the same kind within the window: "có thể trùng với …". Merged
    records are in the overlap warning already (beneficiaries.support); these are not, until
    someone reviews the pair. A record outside the user's reach is not named."""
    from nhandao.beneficiaries import support
    from nhandao.beneficiaries.models import Person

    planned = [line for line in lines if line.status == LineStatus.PLANNED]
    if not planned:
        return {}
    reach = support.reach_many(
        {
            line.pk: (
                [line.person_id],
                [line.household_id or (line.person.household_id if line.person_id else None)],
            )
            for line in planned
        }
    )
    twins = support.likely_duplicates(set().union(*(p for p, _ in reach.values())))
    wanted = {
        line.pk: {t for p in reach[line.pk][0] for t in twins.get(p, ())} - reach[line.pk][0]
        for line in planned
    }
    others = set().union(*wanted.values())
    if not others:
        return {}
    people = {
        pk: (name, home)
        for pk, name, home in Person.objects.filter(pk__in=others).values_list(
            "pk", "full_name", "household_id"
        )
    }
    visible = set(Person.objects.for_user(user).filter(pk__in=others).values_list("pk", flat=True))
    found = rules.overlapping_supports(
        (
            ((line_pk, twin), None, twin, people[twin][1], None)
            for line_pk, found_twins in wanted.items()
            for twin in found_twins
            if twin in people
        ),
        kinds=OVERLAP_KINDS[rnd.kind],
        day=rnd.date,
        days=overlap_days(rnd.kind),
    )
    notes: dict[int, list[dict]] = {}
    for (line_pk, twin), matches in sorted(found.items()):
        name = people[twin][0] if twin in visible else ""
        who = f"“{name}” (hồ sơ chưa gộp)" if name else "một hồ sơ ngoài phạm vi của bạn"
        notes.setdefault(line_pk, []).append(
            {
                "person_id": twin if name else None,
                "name": name,
                "text": f"Có thể trùng với {who}, đã nhận " + _supports_text(matches) + ".",
            }
        )
    return notes


def _supports_text(matches) -> str:
    return "; ".join(
        f"{s.get_kind_display()} {format_vnd(s.value)} ngày {s.date:%d/%m/%Y} của "
        f"“{s.organisation}”"
        for s in matches[:3]
    )


def overlap_message(line, matches) -> str:
    parts = [
        f"{s.get_kind_display()} {format_vnd(s.value)} ngày {s.date:%d/%m/%Y} của "
        f"“{s.organisation}”"
        for s in matches[:3]
    ]
    return (
        f"Cảnh báo trùng: “{line.recipient_name}” đã nhận "
        + "; ".join(parts)
        + ". Lãnh đạo có thể vẫn cấp khi ghi rõ lý do."
    )


def _summary(line, rnd) -> None:
    filters = {
        "campaign_id": rnd.campaign_id,
        "organisation_id": rnd.organisation_id,
        "commune_id": line.commune_id,
        "kind": rnd.kind,
    }
    row = DistributionSummary.objects.filter(**filters).first()
    if row is None:
        try:
            with transaction.atomic():
                row = DistributionSummary.objects.create(**filters)
        except IntegrityError:
            row = DistributionSummary.objects.get(**filters)
    DistributionSummary.objects.filter(pk=row.pk).update(
        lines=F("lines") + 1,
        value=F("value") + line.value,
        households=F("households") + (1 if line.household_id else 0),
        persons=F("persons") + (0 if line.household_id else 1),
    )


@transaction.atomic
def confirm_line(
    actor,
    line: DistributionLine,
    *,
    method: str,
    received_on=None,
    receipt_file=None,
    override_reason: str = "",
) -> DistributionLine:
    """Confirm receipt: overlap check (a manager may override with a reason), money out of
    the campaign account (cash) or goods out of stock, a support record in the registry."""
    line = (
        DistributionLine.objects.select_for_update(of=("self",))
        .select_related(
            "round__organisation",
            "round__campaign",
            "round__item",
            "round__warehouse",
            "household__head",
            "person",
            "commune",
        )
        .get(pk=line.pk)
    )
    rnd = line.round
    _require(actor, "edit", rnd.organisation, "Bạn không có quyền xác nhận cấp phát của đợt này.")
    if not rnd.handing_out:
        raise ReliefError("Chỉ xác nhận nhận hàng/tiền khi đợt đang cấp phát.")
    if line.status != LineStatus.PLANNED:
        raise ReliefError(f"Dòng “{line.recipient_name}” đã được xác nhận hoặc đã hủy.")
    if not method:
        raise ReliefError("Cần chọn hình thức xác nhận (ký nhận, đối chiếu CCCD, ảnh, danh sách).")
    day = received_on or rnd.date
    rules.check_distribution_deadline(rnd.campaign, day)
    matches = overlaps_for(line)
    override_reason = nfc(override_reason).strip()
    if matches and not override_reason:
        raise OverlapWarning(overlap_message(line, matches), matches)
    if matches:
        _require(
            actor,
            "approve",
            rnd.organisation,
            "Chỉ lãnh đạo (có quyền duyệt) mới được vẫn cấp khi có cảnh báo trùng.",
        )
        line.override_reason, line.overridden_by = override_reason[:255], actor
    memo = f"{rnd.name}: {line.recipient_name}"[:255]
    if rnd.is_goods:
        line.stock_move = _stock_move(
            actor,
            rnd.warehouse,
            rnd.item,
            rnd.campaign,
            -(line.quantity or 0),
            kind=MoveKind.OUT_DISTRIBUTION,
            date=day,
            value=line.value,
            memo=memo,
        )
    else:
        _check_money_use(rnd, commune=line.commune, household=line.household, person=line.person)
        account = ledger.account_for(rnd.organisation, rnd.campaign, rnd.earmark)
        try:
            line.ledger_entry = ledger.post(
                account,
                -line.value,
                booked_on=day,
                kind=EntryKind.SPEND,
                memo=memo,
                actor=actor,
                source=f"relief-line:{line.pk}",
            )
        except ledger.LedgerError as exc:
            raise ReliefError(str(exc)) from exc
        _flow(account, distributed=line.value)
    line.support_record = registry.record_support(
        actor,
        organisation=rnd.organisation,
        date=day,
        kind=SUPPORT_KIND[rnd.kind],
        value=line.value,
        note=f"{rnd.campaign}: {rnd.name}"[:255],
        person=line.person,
        household=line.household if line.person is None else None,
    )
    if receipt_file is not None:
        line.receipt_file.save(receipt_file.name, receipt_file, save=False)
    line.status, line.receipt_method, line.received_on = LineStatus.RECEIVED, method, day
    line.confirmed_by, line.confirmed_at = actor, timezone.now()
    line.save()
    _summary(line, rnd)
    record(
        actor,
        "relief.line_confirmed",
        line,
        organisation=rnd.organisation,
        after={
            "round": rnd.pk,
            "value": line.value,
            "method": method,
            "override_reason": line.override_reason,
            "overlaps": [s.pk for s in matches],
        },
    )
    return line


@transaction.atomic
def confirm_lines(actor, rnd, lines, *, method, receipt_file=None, received_on=None):
    """Confirm many lines at once (e.g. a signed paper list uploaded): all or nothing; any
    overlap stops the whole batch so that each is looked at."""
    done = []
    for line in lines:
        done.append(confirm_line(actor, line, method=method, received_on=received_on))
    if receipt_file is not None and done:
        first = done[0]
        first.receipt_file.save(receipt_file.name, receipt_file, save=True)
        name = first.receipt_file.name
        DistributionLine.objects.filter(pk__in=[d.pk for d in done]).update(receipt_file=name)
    return done


@transaction.atomic
def cancel_line(actor, line, reason: str = ""):
    line = DistributionLine.objects.select_for_update().get(pk=line.pk)
    _require(actor, "edit", line.round.organisation, "Bạn không có quyền sửa danh sách đợt này.")
    if line.status != LineStatus.PLANNED:
        raise ReliefError("Chỉ hủy được dòng chưa nhận.")
    line.status = LineStatus.CANCELLED
    line.save(update_fields=["status"])
    record(
        actor,
        "relief.line_cancelled",
        line,
        organisation=line.organisation,
        after={"reason": reason},
    )
    return line
