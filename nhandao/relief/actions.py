"""Everything that changes relief records. Atomic and audited; money moves only through
audit/ledger.py (which locks the account and refuses a negative balance), goods only through
`_stock_move` (which locks the stock level and refuses a negative quantity). A refused
request raises ReliefError with a Vietnamese message and writes nothing.

Callers (views, API, importers) have checked input with forms.py; the rules that protect
money and people (maker–checker, earmarks, reach, overlap, stock) are checked here again,
because they must hold whatever the entry point.
"""

import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.actions import record, snapshot
from nhandao.audit.models import EntryKind, LedgerAccount
from nhandao.beneficiaries import actions as registry
from nhandao.lib.money import format_vnd
from nhandao.lib.text import nfc, search_key
from nhandao.orgs import access
from nhandao.orgs.models import OrgKind
from nhandao.relief import rules
from nhandao.relief.models import (
    ALLOCATION_TRANSITIONS,
    ROUND_TRANSITIONS,
    SUPPORT_KIND,
    Allocation,
    AllocationPolicy,
    AllocationStatus,
    AllocationStatusChange,
    Direction,
    DistributionLine,
    DistributionRound,
    DistributionSummary,
    FundFlow,
    Incident,
    IncidentArea,
    KindPolicy,
    LineStatus,
    MoveKind,
    RoundStatus,
    RoundStatusChange,
    StockLevel,
    StockMove,
)
from nhandao.relief.rules import OverlapWarning, ReliefError

AS, RS = AllocationStatus, RoundStatus
ALLOCATION_FIELDS = [
    "organisation",
    "campaign",
    "source_earmark",
    "direction",
    "target_organisation",
    "purpose",
    "purpose_text",
    "amount",
    "decision_no",
    "decision_date",
    "incident",
    "status",
]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _require(actor, perm, org, message):
    if not access.can(actor, perm, org):
        raise ReliefError(message)


def existing_account(org, campaign, earmark=""):
    return LedgerAccount.objects.filter(
        organisation=org, campaign=campaign, earmark=earmark or ""
    ).first()


def balance_of(org, campaign, earmark="") -> int:
    account = existing_account(org, campaign, earmark)
    return account.balance() if account else 0


def _flow(account, **deltas) -> None:
    """Add to the account's FundFlow row (the account is locked by the ledger already)."""
    flow, _ = FundFlow.objects.get_or_create(
        account=account,
        defaults={"organisation_id": account.organisation_id, "campaign_id": account.campaign_id},
    )
    FundFlow.objects.filter(pk=flow.pk).update(**{k: F(k) + v for k, v in deltas.items()})


# ---- allocations --------------------------------------------------------------------------


def threshold_for(org) -> int | None:
    policy = AllocationPolicy.objects.filter(organisation=org).first()
    return policy.second_approval_above if policy else None


@transaction.atomic
def set_threshold(actor, org, amount: int | None) -> AllocationPolicy:
    policy, _ = AllocationPolicy.objects.update_or_create(
        organisation=org, defaults={"second_approval_above": amount}
    )
    record(actor, "relief.threshold", org, after={"second_approval_above": amount})
    return policy


def _direction(source, target) -> str:
    """Down to a descendant, up to an ancestor. A relief board (Ban Vận động cứu trợ) acts for
    the committee it belongs to, so it allocates down that committee's tree too."""
    if target.pk != source.pk and target.path.startswith(source.path):
        return Direction.DOWN
    if target.pk != source.pk and source.path.startswith(target.path):
        return Direction.UP
    parent = source.parent if source.kind == OrgKind.RELIEF_BOARD else None
    if parent is not None and target.path.startswith(parent.path):
        return Direction.DOWN
    raise ReliefError(
        f"“{target}” không phải tổ chức cấp dưới hay cấp trên của “{source}”: "
        "chỉ phân bổ xuống cấp dưới hoặc chuyển lên cấp trên."
    )


@transaction.atomic
def propose_allocation(
    actor,
    *,
    organisation,
    campaign,
    amount,
    decision_no,
    decision_date,
    target_organisation=None,
    purpose=None,
    purpose_text="",
    source_earmark="",
    decision_file=None,
    incident=None,
    note="",
) -> Allocation:
    """A proposal (the maker's step). Nothing moves until it is approved."""
    _require(
        actor, "money", organisation, "Bạn không có quyền đề xuất phân bổ tiền của tổ chức này."
    )
    amount = int(amount or 0)
    if amount <= 0:
        raise ReliefError("Số tiền phân bổ phải lớn hơn 0.")
    source = existing_account(organisation, campaign, source_earmark)
    label = source.earmark_label if source else ""
    if target_organisation is not None:
        if not target_organisation.is_active:
            raise ReliefError(f"Tổ chức “{target_organisation}” đã ngừng hoạt động.")
        direction = _direction(organisation, target_organisation)
        rules.check_transfer_earmark(source_earmark, target_organisation, label)
    else:
        direction = Direction.PURPOSE
        purpose_text = nfc(purpose_text)
        if source_earmark:
            rules.check_spend_earmark(
                source_earmark,
                org=organisation,
                label=label,
                purpose_text=f"{purpose_text} {purpose or ''}",
            )
        else:
            rules.check_unconditional_use(campaign, purpose=purpose)
        if purpose is None and not purpose_text:
            raise ReliefError("Cần chọn đơn vị nhận hoặc nội dung sử dụng.")
    available = source.balance() if source else 0
    if amount > available:
        raise ReliefError(
            f"Vượt số dư: quỹ “{source or organisation}” còn {format_vnd(available)}, "
            f"không thể phân bổ {format_vnd(amount)}."
        )
    threshold = threshold_for(organisation)
    allocation = Allocation(
        organisation=organisation,
        campaign=campaign,
        source_earmark=source_earmark or "",
        direction=direction,
        target_organisation=target_organisation,
        purpose=purpose,
        purpose_text=purpose_text,
        amount=amount,
        decision_no=nfc(decision_no).strip(),
        decision_date=decision_date,
        incident=incident,
        note=nfc(note),
        needs_second=threshold is not None and amount > threshold,
        proposed_by=actor,
    )
    if decision_file is not None:
        allocation.decision_file.save(decision_file.name, decision_file, save=False)
    allocation.save()
    AllocationStatusChange.objects.create(
        allocation=allocation, to_status=AS.PROPOSED, actor=_user(actor), note="Đề xuất"
    )
    record(
        actor,
        "relief.allocation_proposed",
        allocation,
        after=snapshot(allocation, ALLOCATION_FIELDS),
    )
    return allocation


def _move_allocation(actor, allocation, to_status, note=""):
    if to_status not in ALLOCATION_TRANSITIONS.get(allocation.status, ()):
        raise ReliefError(
            f"Không thể chuyển phân bổ từ “{allocation.get_status_display()}” sang "
            f"“{AllocationStatus(to_status).label}”."
        )
    before = allocation.status
    allocation.status = to_status
    AllocationStatusChange.objects.create(
        allocation=allocation,
        from_status=before,
        to_status=to_status,
        actor=_user(actor),
        note=note[:255],
    )
    record(
        actor,
        "relief.allocation_status",
        allocation,
        before={"status": before},
        after={"status": to_status, "note": note},
    )


def _execute(actor, allocation):
    source = ledger.account_for(
        allocation.organisation, allocation.campaign, allocation.source_earmark
    )
    memo = f"Phân bổ theo QĐ {allocation.decision_no} — {allocation.recipient_label}"[:255]
    ref = f"relief-allocation:{allocation.pk}"
    try:
        if allocation.target_organisation_id:
            target = ledger.account_for(
                allocation.target_organisation,
                allocation.campaign,
                source.earmark,
                source.earmark_label,
            )
            out, into = ledger.transfer(
                source,
                target,
                allocation.amount,
                booked_on=allocation.decision_date,
                memo=memo,
                actor=actor,
                reference=ref,
            )
            allocation.in_entry = into
            _flow(target, allocated_in=allocation.amount)
            _flow(source, allocated_out=allocation.amount)
        else:
            out = ledger.post(
                source,
                -allocation.amount,
                booked_on=allocation.decision_date,
                kind=EntryKind.SPEND,
                memo=memo,
                source=ref,
                actor=actor,
            )
            _flow(source, spent=allocation.amount)
    except ledger.LedgerError as exc:
        raise ReliefError(f"Không thực hiện được phân bổ: {exc}") from exc
    allocation.out_entry = out
    allocation.executed_at = timezone.now()


@transaction.atomic
def approve_allocation(actor, allocation: Allocation, note: str = "") -> Allocation:
    """The checker's step. The maker never approves; above the organisation's threshold a
    second, different approver executes it. Executing moves the money in the ledger."""
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _require(
        actor,
        "approve",
        allocation.organisation,
        "Bạn không có quyền duyệt phân bổ của tổ chức này.",
    )
    if allocation.proposed_by_id == getattr(actor, "pk", None):
        raise ReliefError(
            "Người đề xuất không được tự duyệt phân bổ của mình (nguyên tắc "
            "hai người: một người lập, một người duyệt)."
        )
    if allocation.status == AS.FIRST_APPROVED and allocation.first_approver_id == actor.pk:
        raise ReliefError("Phân bổ này cần người duyệt thứ hai, khác người đã duyệt lần 1.")
    if allocation.status == AS.PROPOSED and allocation.needs_second:
        allocation.first_approver = actor
        _move_allocation(actor, allocation, AS.FIRST_APPROVED, note or "Duyệt lần 1")
        allocation.save(update_fields=["first_approver", "status"])
        return allocation
    if allocation.status == AS.PROPOSED:
        allocation.first_approver = actor
    else:
        allocation.second_approver = actor
    _move_allocation(actor, allocation, AS.EXECUTED, note or "Duyệt, chuyển tiền")
    _execute(actor, allocation)
    allocation.save(
        update_fields=[
            "first_approver",
            "second_approver",
            "status",
            "out_entry",
            "in_entry",
            "executed_at",
        ]
    )
    return allocation


@transaction.atomic
def reject_allocation(actor, allocation: Allocation, reason: str) -> Allocation:
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    _require(
        actor,
        "approve",
        allocation.organisation,
        "Bạn không có quyền duyệt phân bổ của tổ chức này.",
    )
    if not reason.strip():
        raise ReliefError("Cần ghi lý do từ chối.")
    _move_allocation(actor, allocation, AS.REJECTED, reason)
    allocation.save(update_fields=["status"])
    return allocation


@transaction.atomic
def cancel_allocation(actor, allocation: Allocation, reason: str = "") -> Allocation:
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.proposed_by_id != getattr(actor, "pk", None):
        _require(
            actor,
            "approve",
            allocation.organisation,
            "Chỉ người đề xuất hoặc lãnh đạo được hủy đề xuất phân bổ.",
        )
    _move_allocation(actor, allocation, AS.CANCELLED, reason or "Hủy đề xuất")
    allocation.save(update_fields=["status"])
    return allocation


# ---- stock --------------------------------------------------------------------------------


def _level(warehouse, item, campaign, lock=True) -> StockLevel:
    filters = {"warehouse": warehouse, "item": item, "campaign": campaign}
    level = StockLevel.objects.filter(**filters).first()
    if level is None:
        try:
            with transaction.atomic():
                level = StockLevel.objects.create(**filters)
        except IntegrityError:  # created by a concurrent transaction meanwhile
            level = StockLevel.objects.get(**filters)
    if lock:
        level = StockLevel.objects.select_for_update().get(pk=level.pk)
    return level


def _qty(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _fmt_qty(q: Decimal) -> str:
    text = f"{q.normalize():f}" if q == q.to_integral() else f"{q:.2f}".replace(".", ",")
    return text


def _stock_move(
    actor,
    warehouse,
    item,
    campaign,
    quantity,
    *,
    kind,
    date,
    value=0,
    memo="",
    donation=None,
    ledger_entry=None,
    transfer_ref="",
) -> StockMove:
    quantity = _qty(quantity)
    if quantity == 0:
        raise ReliefError("Số lượng phải khác 0.")
    level = _level(warehouse, item, campaign)
    after = level.quantity + quantity
    if after < 0:
        raise ReliefError(
            f"Vượt tồn kho: kho “{warehouse}” còn {_fmt_qty(level.quantity)} {item.unit} "
            f"{item.name}, không thể xuất {_fmt_qty(-quantity)} {item.unit}."
        )
    StockLevel.objects.filter(pk=level.pk).update(quantity=after)
    return StockMove.objects.create(
        warehouse=warehouse,
        item=item,
        campaign=campaign,
        kind=kind,
        date=date,
        quantity=quantity,
        balance_after=after,
        value=int(value),
        memo=nfc(memo)[:255],
        donation=donation,
        ledger_entry=ledger_entry,
        transfer_ref=transfer_ref,
        actor=_user(actor),
    )


@transaction.atomic
def create_warehouse(actor, *, organisation, name, address=""):
    from nhandao.relief.models import Warehouse

    warehouse = Warehouse.objects.create(
        organisation=organisation, name=nfc(name), address=nfc(address)
    )
    record(actor, "relief.warehouse_created", warehouse, after={"name": warehouse.name})
    return warehouse


@transaction.atomic
def receive_goods(
    actor,
    warehouse,
    item,
    quantity,
    *,
    date,
    campaign=None,
    value=0,
    donation=None,
    pay_from_campaign=False,
    memo="",
) -> StockMove:
    """Goods in. From an in-kind donation: its value leaves the donation's ledger account
    (it now sits in the warehouse as goods). A purchase paid from the campaign fund: the
    price leaves the organisation's unconditional campaign account."""
    entry = None
    value = int(value or 0)
    if donation is not None:
        if donation.reversed_at is not None:
            raise ReliefError("Khoản ủng hộ này đã bị hủy.")
        if StockMove.objects.filter(donation=donation).exists():
            raise ReliefError("Hàng của khoản ủng hộ này đã được nhập kho trước đó.")
        if donation.organisation_id != warehouse.organisation_id:
            raise ReliefError("Hàng ủng hộ chỉ nhập vào kho của tổ chức đã tiếp nhận.")
        campaign, value = donation.campaign, donation.amount
        account = donation.ledger_entry.account
        kind = MoveKind.IN_DONATION
        memo = memo or f"Nhập kho hàng ủng hộ: {donation.goods_item or item.name}"
    elif pay_from_campaign:
        if campaign is None or value <= 0:
            raise ReliefError("Mua sắm bằng tiền chiến dịch cần chọn chiến dịch và ghi trị giá.")
        account = ledger.account_for(warehouse.organisation, campaign)
        kind = MoveKind.IN_PURCHASE
        memo = memo or f"Mua {item.name} nhập kho"
    else:
        account, kind = None, MoveKind.IN_PURCHASE
    if account is not None:
        try:
            entry = ledger.post(
                account,
                -value,
                booked_on=date,
                kind=EntryKind.SPEND,
                memo=memo[:255],
                source="relief-stock",
                actor=actor,
            )
        except ledger.LedgerError as exc:
            raise ReliefError(str(exc)) from exc
        _flow(account, to_stock=value)
    move = _stock_move(
        actor,
        warehouse,
        item,
        campaign,
        quantity,
        kind=kind,
        date=date,
        value=value,
        memo=memo,
        donation=donation,
        ledger_entry=entry,
    )
    record(
        actor,
        "relief.goods_in",
        move,
        organisation=warehouse.organisation,
        after={"item": item.pk, "quantity": str(move.quantity), "value": value},
    )
    return move


@transaction.atomic
def transfer_goods(actor, source, target, item, quantity, *, date, campaign=None, memo=""):
    """Goods out of one warehouse into another (e.g. province → commune)."""
    if source.pk == target.pk:
        raise ReliefError("Kho nhận phải khác kho xuất.")
    ref = str(uuid.uuid4())
    memo = memo or f"Điều chuyển {source} → {target}"
    out = _stock_move(
        actor,
        source,
        item,
        campaign,
        -_qty(quantity),
        kind=MoveKind.OUT_TRANSFER,
        date=date,
        memo=memo,
        transfer_ref=ref,
    )
    into = _stock_move(
        actor,
        target,
        item,
        campaign,
        _qty(quantity),
        kind=MoveKind.IN_TRANSFER,
        date=date,
        memo=memo,
        transfer_ref=ref,
    )
    record(
        actor,
        "relief.goods_transfer",
        out,
        organisation=source.organisation,
        after={"to": target.pk, "item": item.pk, "quantity": str(into.quantity)},
    )
    return out, into


def stock_of(warehouse, item, campaign=None) -> Decimal:
    level = StockLevel.objects.filter(warehouse=warehouse, item=item, campaign=campaign).first()
    return level.quantity if level else Decimal("0")


# ---- distributions ------------------------------------------------------------------------


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
    if commune is not None and not rules.unit_within(commune, rules.area_units(organisation)):
        raise ReliefError(f"“{commune}” nằm ngoài địa bàn của “{organisation}”.")
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
    RoundStatusChange.objects.create(
        round=rnd, to_status=RS.DRAFT, actor=_user(actor), note="Lập đợt"
    )
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


def _recipient_label(household=None, person=None) -> str:
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
        )
    elif not rnd.is_goods:
        policy = KindPolicy.objects.filter(kind=rnd.kind).select_related("allowed_use").first()
        rules.check_unconditional_use(
            rnd.campaign,
            purpose=policy.allowed_use if policy else None,
            kind_label=rnd.get_kind_display(),
        )


def validate_lines(rnd, entries) -> list[str]:
    """Errors (Vietnamese) for `entries` = [(label, household, person, value, quantity)]:
    reach, duplicates (in the batch and in the round), values. Empty when all are good."""
    from nhandao.beneficiaries.models import Household, Person

    errors = []
    org = rnd.organisation
    reach = rules.reach_q(org)
    hh_ids = {h.pk for _, h, _, _, _ in entries if h is not None}
    p_ids = {p.pk for _, _, p, _, _ in entries if p is not None}
    ok_hh = set(Household.objects.filter(reach, pk__in=hh_ids).values_list("pk", flat=True))
    ok_p = set(Person.objects.filter(reach, pk__in=p_ids).values_list("pk", flat=True))
    existing = DistributionLine.objects.filter(round=rnd).exclude(status=LineStatus.CANCELLED)
    taken_hh = set(existing.filter(household_id__in=hh_ids).values_list("household_id", flat=True))
    taken_p = set(existing.filter(person_id__in=p_ids).values_list("person_id", flat=True))
    seen_hh, seen_p = {}, {}
    for label, household, person, value, quantity in entries:
        who = _recipient_label(household, person)
        if household is None and person is None:
            errors.append(f"{label}: không xác định được hộ hoặc người nhận.")
            continue
        if (
            household is not None
            and household.pk not in ok_hh
            or (person is not None and person.pk not in ok_p)
        ):
            errors.append(f"{label}: “{who}” nằm ngoài phạm vi quản lý và địa bàn của “{org}”.")
        if person is not None and not person.is_active:
            errors.append(f"{label}: hồ sơ “{who}” đã được gộp vào hồ sơ khác.")
        if household is not None:
            if household.pk in taken_hh:
                errors.append(f"{label}: hộ “{who}” đã có trong danh sách của đợt này.")
            elif household.pk in seen_hh:
                errors.append(f"{label}: trùng hộ “{who}” với {seen_hh[household.pk]}.")
            seen_hh.setdefault(household.pk, label)
        if person is not None:
            if person.pk in taken_p:
                errors.append(f"{label}: “{who}” đã có trong danh sách của đợt này.")
            elif person.pk in seen_p:
                errors.append(f"{label}: trùng người “{who}” với {seen_p[person.pk]}.")
            seen_p.setdefault(person.pk, label)
        if value is None or int(value) < 0:
            errors.append(f"{label}: trị giá phải là số đồng không âm.")
        if rnd.is_goods and (quantity is None or _qty(quantity) <= 0):
            errors.append(f"{label}: đợt cấp hàng cần số lượng lớn hơn 0.")
        if not rnd.is_goods and (value is None or int(value) <= 0):
            errors.append(f"{label}: số tiền phải lớn hơn 0.")
        if rnd.earmark:
            try:
                commune = household.commune if household is not None else person.commune
                _check_money_use(rnd, commune=commune, household=household, person=person)
            except ReliefError as exc:
                errors.append(f"{label}: {exc}")
    return errors


@transaction.atomic
def add_lines(actor, rnd: DistributionRound, entries, *, source="manual") -> list:
    """Add beneficiary lines, all or nothing. `entries` = [(label, household, person, value,
    quantity)]; `label` names the row in messages ("Dòng 5")."""
    _require(actor, "edit", rnd.organisation, "Bạn không có quyền sửa danh sách đợt này.")
    if rnd.status not in (RS.DRAFT, RS.OPEN):
        raise ReliefError("Đợt cấp phát đã kết thúc hoặc đã hủy: không thêm được người nhận.")
    if not entries:
        raise ReliefError("Không có người nhận nào để thêm.")
    if not rnd.earmark and not rnd.is_goods:
        _check_money_use(rnd)
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
                recipient_name=_recipient_label(household, person)[:150],
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
        rules.reach_q(rnd.organisation),
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


@transaction.atomic
def set_round_status(actor, rnd: DistributionRound, to_status: str, note: str = ""):
    rnd = DistributionRound.objects.select_for_update().get(pk=rnd.pk)
    _require(actor, "edit", rnd.organisation, "Bạn không có quyền với đợt cấp phát này.")
    if to_status not in ROUND_TRANSITIONS.get(rnd.status, ()):
        raise ReliefError(
            f"Không thể chuyển đợt cấp phát từ “{rnd.get_status_display()}” sang "
            f"“{RoundStatus(to_status).label}”."
        )
    if to_status == RS.OPEN:
        _check_round_budget(rnd)
    if to_status == RS.CLOSED:
        DistributionLine.objects.filter(round=rnd, status=LineStatus.PLANNED).update(
            status=LineStatus.CANCELLED
        )
    before = rnd.status
    rnd.status = to_status
    rnd.save(update_fields=["status"])
    RoundStatusChange.objects.create(
        round=rnd, from_status=before, to_status=to_status, actor=_user(actor), note=note[:255]
    )
    record(
        actor,
        "relief.round_status",
        rnd,
        before={"status": before},
        after={"status": to_status, "note": note},
    )
    return rnd


def _check_round_budget(rnd) -> None:
    """Opening a round: the planned lines must fit the fund (cash) or the stock (goods)."""
    from django.db.models import Sum

    planned = DistributionLine.objects.filter(round=rnd, status=LineStatus.PLANNED)
    if not planned.exists():
        raise ReliefError("Danh sách cấp phát chưa có người nhận.")
    if rnd.is_goods:
        need = planned.aggregate(q=Sum("quantity"))["q"] or 0
        have = stock_of(rnd.warehouse, rnd.item, rnd.campaign)
        if need > have:
            raise ReliefError(
                f"Vượt tồn kho: danh sách cần {_fmt_qty(_qty(need))} {rnd.item.unit} "
                f"{rnd.item.name}, kho “{rnd.warehouse}” chỉ còn {_fmt_qty(have)}."
            )
    else:
        need = planned.aggregate(v=Sum("value"))["v"] or 0
        have = balance_of(rnd.organisation, rnd.campaign, rnd.earmark)
        if need > have:
            raise ReliefError(
                f"Vượt số dư: danh sách cần {format_vnd(need)}, quỹ chiến dịch "
                f"của “{rnd.organisation}” chỉ còn {format_vnd(have)}."
            )


def overlaps_for(line: DistributionLine):
    """Earlier supports of the same kind within the kind's window (any organisation)."""
    rnd = line.round
    policy = KindPolicy.objects.filter(kind=rnd.kind).first()
    days = policy.overlap_days if policy else 30
    return list(
        rules.overlapping_supports(
            household=line.household,
            person=line.person,
            kind=SUPPORT_KIND[rnd.kind],
            day=rnd.date,
            days=days,
            exclude_pk=line.support_record_id,
        )
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
    if rnd.status != RS.OPEN:
        raise ReliefError("Chỉ xác nhận nhận hàng/tiền khi đợt đang cấp phát.")
    if line.status != LineStatus.PLANNED:
        raise ReliefError(f"Dòng “{line.recipient_name}” đã được xác nhận hoặc đã hủy.")
    if not method:
        raise ReliefError("Cần chọn hình thức xác nhận (ký nhận, đối chiếu CCCD, ảnh, danh sách).")
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
    day = received_on or rnd.date
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


# ---- incidents ----------------------------------------------------------------------------


@transaction.atomic
def create_incident(
    actor, *, organisation, kind, name, start, end=None, description="", campaigns=()
) -> Incident:
    _require(actor, "edit", organisation, "Bạn không có quyền ghi nhận sự cố cho tổ chức này.")
    incident = Incident.objects.create(
        organisation=organisation,
        kind=kind,
        name=nfc(name),
        start=start,
        end=end,
        description=nfc(description),
    )
    if campaigns:
        incident.campaigns.set(campaigns)
    record(
        actor,
        "relief.incident_created",
        incident,
        after=snapshot(incident, ["kind", "name", "start", "end"]),
    )
    return incident


@transaction.atomic
def set_incident_area(actor, incident, commune, **figures) -> IncidentArea:
    _require(actor, "edit", incident.organisation, "Bạn không có quyền sửa sự cố này.")
    if commune.level != "commune" or commune.map != "2025-07":
        raise ReliefError("Địa bàn bị ảnh hưởng phải là một xã/phường trên bản đồ hiện hành.")
    if any(int(v or 0) < 0 for v in figures.values() if not isinstance(v, str)):
        raise ReliefError("Số liệu thiệt hại, nhu cầu không được âm.")
    area, _ = IncidentArea.objects.update_or_create(
        incident=incident, commune=commune, defaults=figures
    )
    record(
        actor,
        "relief.incident_area",
        incident,
        after={"commune": commune.pk, **{k: v for k, v in figures.items()}},
    )
    return area


def key_of(text: str) -> str:
    return search_key(text)
