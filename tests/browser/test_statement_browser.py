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
    page.get_by_label("Tệp sao kê (.csv, .xlsx hoặc .pdf của ngân hàng)").set_input_files(str(LOST))
    page.locator("#statement-import").click()

    expect(page.locator("#reconciliation")).to_be_visible(timeout=30_000)
    expect(page.locator("#rec-lines")).to_have_text("55")
    # the five rows whose amount was lost, and the seams between the non-contiguous windows
    expect(page.locator("#balance-breaks")).to_be_visible()
    assert page.locator("#balance-breaks tr").count() - 1 >= 5
    context.close()


LATER_PDF = Path(__file__).parents[1] / "fixtures" / "saoke" / "vcb_0011001932418_pages6-15.pdf"


def test_an_accountant_uploads_a_pdf_and_the_public_opens_its_page(chromium, live_site):
    """pdf (issue #23): the Central relief board's accountant uploads 10 pages of the bank's
    PDF as received; the reconciliation shows them (the demo's CSV slice already held most of
    them); a donor then finds a new line on the portal and its link to the PDF page."""
    context = chromium.new_context(base_url=live_site)
    page = context.new_page()
    log_in(page, "mttq.ketoan")
    page.goto("/tai-khoan-ngan-hang/")
    page.locator("#upload-0011001932418").click()
    page.get_by_label("Tệp sao kê (.csv, .xlsx hoặc .pdf của ngân hàng)").set_input_files(
        str(LATER_PDF)
    )
    page.locator("#statement-import").click()
    expect(page.locator("#reconciliation")).to_be_visible(timeout=60_000)
    lines = int(page.locator("#rec-lines").inner_text())
    added = int(page.locator("#rec-added").inner_text())
    present = int(page.locator("#rec-present").inner_text())
    assert lines > 150 and added > 0 and added + present == lines
    context.close()

    phone = chromium.new_context(base_url=live_site, viewport={"width": 360, "height": 740})
    visitor = phone.new_page()
    visitor.goto("/cong-khai/tra-cuu-sao-ke/")
    visitor.get_by_label("Tìm trong sao kê").fill("nguyen thi kim yen")
    visitor.get_by_role("button", name="Tìm").first.click()
    link = visitor.locator("a.pdf-page").first
    expect(link).to_have_text("trang 10")
    href = link.get_attribute("href")
    assert href.endswith(".pdf#page=10")
    served = visitor.request.get(href.split("#")[0])
    assert served.status == 200 and served.headers["content-type"] == "application/pdf"
    assert served.body() == LATER_PDF.read_bytes()
    phone.close()
