"""Shared set-up for the portal tests: a public typhoon Yagi appeal whose Vietcombank account
received the real statement slice (tests/fixtures/saoke/vcb_0011001932418_slice.csv), plus a
few lines typed with diacritics (the real files have none)."""

from datetime import date

import pytest
from django.core.cache import cache

from nhandao.campaigns import actions as campaign_actions
from nhandao.campaigns.models import CampaignKind
from nhandao.donations import actions
from nhandao.portal import search
from tests.saoke import FIXTURES, VCB, create_vcb, create_yagi

# Lines in the Vietcombank layout with diacritics and capitals, as a donor's bank writes them.
ACCENTED = """page,date,doc_no,debit_vnd,credit_vnd,details
1,2024-09-11,9001.10001,,250000,NGUYỄN VĂN A chuyển tiền ủng hộ bão Yagi
1,2024-09-11,9001.10002,,300000,Trần Minh Đức ủng hộ đồng bào miền Bắc
1,2024-09-11,9001.10003,,777000,ĐẶNG THỊ HOA ung ho CT tu 0123456789012 DANG THI HOA toi \
0011001932418
1,2024-09-12,9001.10004,,1500000,Lê Văn Bình FT24256123456789 ung ho
"""


@pytest.fixture(autouse=True)
def fresh_cache(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.delenv("PORTAL_RATE_LIMITS", raising=False)
    # A loaded test machine must not turn a search into "too broad" (tested on its own).
    monkeypatch.setattr(search, "PAGE_BUDGET", 10.0)
    monkeypatch.setattr(search, "COUNT_BUDGET", 10.0)
    search._SAMPLE.clear()
    search._SEEN.clear()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def yagi(cast):
    return create_yagi(cast, theme="Chung tay vì đồng bào miền Bắc", transfer_memo="YAGI")


@pytest.fixture
def vcb(cast, yagi):
    return create_vcb(cast, yagi)


@pytest.fixture
def statements(cast, vcb):
    real = actions.import_statement(
        cast.root, vcb, filename=VCB, data=(FIXTURES / VCB).read_bytes()
    )
    typed = actions.import_statement(
        cast.root, vcb, filename="vcb_accented.csv", data=ACCENTED.encode()
    )
    assert real.status == "done" and typed.status == "done", (real.errors[:3], typed.errors[:3])
    return real, typed


@pytest.fixture
def draft(cast):
    """A draft campaign with its own account and one line: never public."""
    campaign = campaign_actions.create_campaign(
        cast.root,
        code="NHAP-2024",
        name="Chiến dịch nháp",
        kind=CampaignKind.OTHER,
        organisation=cast.hanoi,
        launch_date=date(2024, 9, 1),
    )
    account = actions.create_bank_account(
        cast.root,
        bank="BIDV",
        number="12345678901",
        holder="Hoi CTD Ha Noi",
        organisation=cast.hanoi,
        campaign=campaign,
    )
    data = (
        b"page,date,doc_no,debit_vnd,credit_vnd,details\n"
        b"1,2024-09-05,7777.1,,990000,BI MAT NHAP ung ho\n"
    )
    actions.import_statement(cast.root, account, filename="draft.csv", data=data)
    return campaign
