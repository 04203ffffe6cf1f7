"""A data-subject request in a real browser, from the form on the person's page to its
answer: the commune officer (xa.canbo) finds the demo request near its deadline, reads the
person's data with a stated purpose and answers it; then records a restriction request for
another person and carries it out, after which the person leaves the registry's list."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, pick

pytestmark = pytest.mark.browser


def test_a_data_request_from_the_form_to_its_answer(phone):
    log_in(phone, "xa.canbo")
    phone.goto("/du-lieu-ca-nhan/")
    row = phone.get_by_role("link", name=re.compile(r"Xem, nhận bản sao dữ liệu #\d+"))
    expect(row.first).to_be_visible()
    row.first.click()
    expect(phone.get_by_text("Chính chủ, đến trụ sở Hội")).to_be_visible()
    request_url = phone.url

    # seeing: the officer opens the person's data, stating why
    phone.locator(".card a[href^='/doi-tuong/']").first.click()
    phone.locator("#muc_dich").select_option("yeu-cau-chu-the")
    phone.get_by_role("button", name="Xem").click()
    expect(phone.locator("#sensitive")).to_contain_text("Trả lời yêu cầu của chính người")
    phone.goto(request_url)
    phone.get_by_role("button", name="Thực hiện yêu cầu").click()
    expect(phone.get_by_text("Đã cập nhật yêu cầu.")).to_be_visible()
    expect(phone.get_by_text("Đã thực hiện", exact=True)).to_be_visible()

    # restricting: recorded from the form on another person's page, then carried out
    phone.goto("/doi-tuong/")
    link = phone.locator("#person-table tbody tr:not(:has(.badge)) a").nth(1)  # own records
    name = link.inner_text()
    link.click()
    phone.get_by_role("link", name="Ghi nhận yêu cầu của người này về dữ liệu của họ").click()
    phone.locator("#kind").select_option("restrict")
    phone.get_by_role("button", name="Ghi nhận").click()  # no requester: refused, kept
    expect(phone.get_by_role("alert")).to_have_text("Người yêu cầu: không được để trống.")
    phone.locator("#requested_by").fill("Chính chủ, qua điện thoại")
    phone.get_by_role("button", name="Ghi nhận").click()
    expect(phone.get_by_text("Đã ghi nhận yêu cầu.")).to_be_visible()
    expect(phone.get_by_role("heading", name=re.compile("Hạn chế xử lý dữ liệu"))).to_be_visible()
    phone.get_by_role("button", name="Thực hiện yêu cầu").click()
    expect(phone.get_by_text("Đã thực hiện", exact=True)).to_be_visible()
    phone.goto("/doi-tuong/")
    expect(phone.locator("#person-table")).not_to_contain_text(name)


def _no_sideways_scroll(page):
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways: {width[0]} px > {width[1]} px"


def test_a_person_files_a_request_on_the_public_form_and_the_officer_finds_it(phone):
    """At 360 px, without an account: the footer link, a refused empty name, the request
    filed with its reference and deadline; then the commune officer finds it in the queue."""
    phone.set_viewport_size({"width": 360, "height": 800})
    phone.goto("/cong-khai/")
    phone.locator("footer").get_by_role("link", name="Yêu cầu về dữ liệu cá nhân").click()
    expect(phone.get_by_role("heading", name="Yêu cầu về dữ liệu cá nhân của tôi")).to_be_visible()
    _no_sideways_scroll(phone)
    phone.get_by_label("Xem, nhận bản sao dữ liệu").check()
    phone.get_by_label("Số điện thoại hoặc thư điện tử").fill("0912 555 666")
    pick(phone, "id_organisation", "phuong ba dinh", "Hội Chữ thập đỏ Phường Ba Đình")
    phone.get_by_label("Tôi không rõ").check()
    phone.get_by_role("button", name="Gửi yêu cầu").click()  # no name: refused, nothing kept
    expect(phone.locator(".error-summary")).to_contain_text("Họ và tên: Không được để trống.")
    _no_sideways_scroll(phone)
    phone.get_by_label("Họ và tên").fill("Phạm Thị Lan")
    phone.get_by_role("button", name="Gửi yêu cầu").click()
    expect(phone.locator("#filing-done")).to_contain_text("Hội Chữ thập đỏ Phường Ba Đình")
    reference = phone.locator("#filing-reference").inner_text()
    assert re.fullmatch(r"YC\d{4}-\d{6}", reference)
    expect(phone.locator("#filing-due")).to_have_text(re.compile(r"\d{2}/\d{2}/\d{4}"))
    _no_sideways_scroll(phone)

    log_in(phone, "xa.canbo")
    phone.goto("/du-lieu-ca-nhan/")
    phone.get_by_role("link", name=re.compile(reference)).click()
    expect(phone.get_by_text("Người gửi: Phạm Thị Lan · trả lời qua: 0912555666")).to_be_visible()
    expect(phone.get_by_text("Đã nhận, chưa xác minh danh tính", exact=True)).to_be_visible()
    _no_sideways_scroll(phone)
