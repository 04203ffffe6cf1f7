"""The demo seed: the Yagi appeal with the real accounts and imported statement slices."""

import pytest

from nhandao.audit import ledger
from nhandao.demo import campaigns as demo
from nhandao.donations.models import Receipt, Statement


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_seeds_the_yagi_appeal_with_both_real_statements(cast, client):
    network = {"relief_central": cast.front, "front_central": cast.front,
               "rc_central": cast.central, "rc_province": {"1": cast.hanoi},
               "front_province": {"1": cast.hanoi}}  # fmt: skip
    seeded = demo.seed(cast.root, network)
    statements = {
        s.bank_account.number: s for s in Statement.objects.select_related("bank_account")
    }
    assert statements["0011001932418"].status == "done"
    assert statements["0011001932418"].credits_total == 87_663_313
    assert statements["1500201113838"].closing_balance == 252_782_524
    # a PDF as the bank published it: its lines keep their page for the public search's link
    pdf = statements["111602391111"]
    assert pdf.status == "done" and pdf.layout == "pdf-vietinbank-2024"
    assert pdf.rows_accepted == 29 and set(pdf.line_set.values_list("page", flat=True)) == {1}
    found = client.get("/cong-khai/tra-cuu-sao-ke/", {"q": "duong ngoc thuong"}).content.decode()
    assert f'href="/cong-khai/sao-ke/{pdf.pk}.pdf#page=1"' in found and ">trang 1</a>" in found
    seeded["yagi"].refresh_from_db()
    assert seeded["yagi"].status == "published" and seeded["yagi"].history.count() == 5
    fund = ledger.account_for(cast.front, seeded["yagi"])
    assert fund.balance() > 0 and ledger.verify(fund).ok
    assert Receipt.objects.count() == 2
