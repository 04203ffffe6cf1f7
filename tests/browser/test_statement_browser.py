"""Statement upload in a real browser: the Hanoi Front's accountant uploads a slice of the
real Agribank statement in which five amounts were lost; the reconciliation shows the lines,
the totals and each row where the running balance breaks."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
LOST = Path(__file__).parents[1] / "fixtures" / "saoke" / "agribank_1500201113838_lost_amounts.csv"


def test_an_accountant_uploads_a_statement_and_sees_the_reconciliation(chromium, live_site):
    context = chromium.new_context(base_url=live_site)
    page = context.new_page()
    log_in(page, "hn.mttq.ketoan")
    page.goto("/tai-khoan-ngan-hang/")
    page.locator("#upload-1500201113838").click()
    page.get_by_label("Tệp sao kê (.csv hoặc .xlsx)").set_input_files(str(LOST))
    page.locator("#statement-import").click()

    expect(page.locator("#reconciliation")).to_be_visible(timeout=30_000)
    expect(page.locator("#rec-lines")).to_have_text("55")
    # the five rows whose amount was lost, and the seams between the non-contiguous windows
    expect(page.locator("#balance-breaks")).to_be_visible()
    assert page.locator("#balance-breaks tr").count() - 1 >= 5
    context.close()
