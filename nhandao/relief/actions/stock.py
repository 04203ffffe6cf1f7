"""Goods: warehouses, goods in (donated or bought), transfers between warehouses. Every move
locks its stock level and refuses a negative quantity; each is a line of the stock card."""

import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction

from nhandao.audit import ledger
from nhandao.audit.actions import record
from nhandao.audit.models import EntryKind
from nhandao.lib.text import nfc, search_key
from nhandao.relief.actions.common import _flow, _fmt_qty, _qty, _user
from nhandao.relief.models import (
    Allocation,
    AllocationStatus,
    Item,
    MoveKind,
    StockLevel,
    StockMove,
    Warehouse,
)
from nhandao.relief.rules import ReliefError


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
    purchase=None,
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
        purchase=purchase,
        actor=_user(actor),
    )


def item_named(name: str, unit: str) -> Item:
    """The item of that name (compared without case or accents) and unit, made if new."""
    item, _ = Item.objects.get_or_create(
        name_key=search_key(name), unit=unit.strip(), defaults={"name": name.strip()}
    )
    return item


@transaction.atomic
def create_warehouse(actor, *, organisation, name, address=""):
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
    purchase=None,
    memo="",
) -> StockMove:
    """Goods in. From an in-kind donation: its value leaves the donation's ledger account
    (it now sits in the warehouse as goods). From an approved purchase (an allocation into
    stock, decision 0023): its approval paid for the goods, the receipt names it and carries
    its amount as their cost; nothing is spent here. Anything else (a gift not recorded as a
    donation, goods bought with money outside the campaign) comes in at no cost to it."""
    entry = None
    value = int(value or 0)
    if donation is not None and purchase is not None:
        raise ReliefError("Hàng nhập kho là hàng ủng hộ hoặc hàng mua, không phải cả hai.")
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
    elif purchase is not None:
        purchase = Allocation.objects.select_for_update().get(pk=purchase.pk)
        _check_purchase(purchase, warehouse)
        if date < purchase.decision_date:  # paid on that day: goods cannot precede it
            raise ReliefError(
                f"Ngày nhập kho ({date:%d/%m/%Y}) trước ngày quyết định mua sắm "
                f"{purchase.decision_no} ({purchase.decision_date:%d/%m/%Y}): hàng mua chỉ "
                "nhập kho từ ngày quyết định.",
                field="date",
            )
        campaign, value, entry = purchase.campaign, purchase.amount, purchase.out_entry
        account, kind = None, MoveKind.IN_PURCHASE
        memo = memo or f"Nhập kho hàng mua theo QĐ {purchase.decision_no}"
    else:
        account, kind = None, MoveKind.IN_PURCHASE  # not paid by the campaign's ledger
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
        purchase=purchase,
    )
    record(
        actor,
        "relief.goods_in",
        move,
        organisation=warehouse.organisation,
        after={
            "item": item.pk,
            "quantity": str(move.quantity),
            "value": value,
            "purchase": purchase.pk if purchase else None,
        },
    )
    return move


def _check_purchase(purchase, warehouse) -> None:
    """A receipt delivers an approved, executed purchase of the warehouse's organisation,
    once."""
    if not purchase.into_stock:
        raise ReliefError(f"{purchase} không phải quyết định mua hàng nhập kho.", field="purchase")
    if purchase.status != AllocationStatus.EXECUTED:
        raise ReliefError(
            f"Quyết định mua sắm {purchase.decision_no} chưa được duyệt: chỉ nhập kho hàng "
            "mua khi người có thẩm quyền đã duyệt (nguyên tắc hai người).",
            field="purchase",
        )
    if purchase.organisation_id != warehouse.organisation_id:
        raise ReliefError(
            f"Quyết định mua sắm {purchase.decision_no} là của “{purchase.organisation}”: "
            "hàng nhập vào kho của tổ chức đó.",
            field="purchase",
        )
    if StockMove.objects.filter(purchase=purchase).exists():
        raise ReliefError(
            f"Hàng mua theo quyết định {purchase.decision_no} đã được nhập kho trước đó.",
            field="purchase",
        )


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
