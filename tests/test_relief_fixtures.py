"""Helpers shared by the relief tests (imported by name; this file holds no tests).

A Yagi appeal organised by the central Red Cross (cast.central), its fund filled with
donations, and registry households in Ba Đình (Hà Nội) that are poor or near-poor.
"""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from nhandao.audit import ledger
from nhandao.beneficiaries import actions as registry
from nhandao.campaigns import actions as campaign_actions
from nhandao.donations import actions as donation_actions
from nhandao.orgs.models import AdminUnit
from nhandao.relief import actions
from nhandao.relief.models import AllowedUse

LAUNCH = date(2024, 9, 8)
DAY = date(2024, 9, 15)


def unit(code, level="commune"):
    return AdminUnit.objects.get(map="2025-07", level=level, code=code)


def make_campaign(actor, org, code="YAGI", kind="appeal", launch=LAUNCH, **extra):
    return campaign_actions.create_campaign(
        actor,
        code=code,
        name=f"Ủng hộ đồng bào bị ảnh hưởng bão số 3 ({code})",
        kind=kind,
        organisation=org,
        launch_date=launch,
        status="receiving",
        **extra,
    )


def donate(org, campaign, amount, *, earmark_kind="", earmark_ref="", day=DAY, actor=None):
    return donation_actions.record_donation(
        actor,
        organisation=org,
        campaign=campaign,
        channel="transfer",
        received_on=day,
        amount=amount,
        donor_name="Nhà hảo tâm",
        earmark_kind=earmark_kind,
        earmark_ref=earmark_ref,
    )


def balance(org, campaign, earmark=""):
    return actions.balance_of(org, campaign, earmark)


def use(code="food_water_medicine"):
    return AllowedUse.objects.get(code=code)


def allocate(cast, campaign, target, amount, *, maker=None, checker=None, source=None, **kw):
    """Propose (accountant) and approve (manager) an allocation from the central fund."""
    source = source or cast.central
    maker = maker or cast.root
    allocation = actions.propose_allocation(
        maker,
        organisation=source,
        campaign=campaign,
        amount=amount,
        decision_no="QĐ-01",
        decision_date=DAY,
        target_organisation=target,
        **kw,
    )
    return actions.approve_allocation(checker or cast.tw_manager, allocation)


def household(cast, commune_unit, owner, head_name, status="poor", year=2024):
    hh = registry.create_household(cast.root, organisation=owner, commune=commune_unit)
    registry.create_person(
        cast.root,
        organisation=owner,
        household=hh,
        relationship="head",
        full_name=head_name,
        commune=commune_unit,
    )
    if status:
        registry.set_poverty(cast.root, hh, year=year, status=status)
    hh.refresh_from_db()
    return hh


@pytest.fixture
def yagi(cast):
    return make_campaign(cast.root, cast.central)


@pytest.fixture
def funded(cast, yagi):
    donate(cast.central, yagi, 10_000_000)
    return yagi


def fund_account(org, campaign, earmark=""):
    return ledger.account_for(org, campaign, earmark)


def hanoi_round(cast, campaign, *, name="Hỗ trợ sau bão", day=DAY, kind="cash", **kw):
    """A distribution round of the Hà Nội Red Cross, created by its officer."""
    return actions.create_round(
        cast.hn_officer,
        organisation=cast.hanoi,
        campaign=campaign,
        kind=kind,
        name=name,
        date=day,
        **kw,
    )


def ba_dinh_homes(cast, names=("Nguyễn Thị Hoa", "Trần Văn Nam", "Lê Thị Mai")):
    """Poor households of Ba Đình (owned by the Ba Đình branch), one per head's name."""
    return [household(cast, unit("4"), cast.ba_dinh, name) for name in names]


def earlier_support(cast, home=None, *, day, kind="cash", value=300_000, org=None, person=None):
    """A support another organisation (the Front, unless `org`) already gave."""
    return registry.record_support(
        cast.root,
        organisation=org or cast.front,
        date=day,
        kind=kind,
        value=value,
        household=home,
        person=person,
    )


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
