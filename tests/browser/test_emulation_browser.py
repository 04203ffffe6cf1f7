"""The emulation flow of issue #18 in a real browser, on the demo: Hà Nội's officer finishes
the province's self-assessment with evidence from nhandao's records and sends it, another
member's marker (the demo's administrator, acting for a cluster-mate) cross-marks, Hà Nội
replies to a mark, the Central Committee's leader reviews and locks, and the ranking shows
Hà Nội with its grade."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def mark(page, code: str, score: str, reason: str = "", evidence: str = ""):
    value = page.locator("#id_criterion option", has_text=f"{code}. ").first.get_attribute("value")
    page.locator("#id_criterion").select_option(value)
    page.get_by_label("Điểm", exact=True).fill(score)
    if reason:
        page.get_by_label("Lý do, nhận xét").fill(reason)
    if evidence:
        page.get_by_label(re.compile("^Minh chứng: đường dẫn")).fill(evidence)
    page.get_by_role("button", name="Ghi điểm").click()
    expect(page.get_by_text(f"Đã ghi điểm tiêu chí {code}.")).to_be_visible()


def test_self_cross_reply_review_and_the_ranking(phone_as):
    officer = phone_as("hn.canbo")
    officer.goto("/thi-dua/")
    officer.get_by_role("link", name=re.compile("Sơ kết 6 tháng: bảng xếp hạng")).click()
    officer.get_by_role("link", name="Hội Chữ thập đỏ Hà Nội").click()
    expect(officer.get_by_role("heading", name="Tự chấm")).to_be_visible()
    card_url = officer.url
    for code, score in (("2.3", "8"), ("3.1", "12,5"), ("3.2", "2"), ("3.3", "0")):
        mark(officer, code, score, evidence="/bao-cao/")
    officer.get_by_role("button", name="Gửi bảng tự chấm").click()
    expect(officer.locator("#card-status")).to_have_text("Đã gửi tự chấm, chờ chấm chéo")

    mate = phone_as("admin")
    mate.goto(card_url)
    expect(mate.get_by_role("heading", name="Chấm chéo")).to_be_visible()
    for code in ("1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"):
        mark(mate, code, "1" if code == "3.2" else "5", reason="Đối chiếu minh chứng")
    mate.get_by_role("button", name="Hoàn thành chấm chéo").click()
    expect(mate.locator("#card-status")).to_have_text("Đã chấm chéo")

    officer.goto(card_url)
    expect(officer.get_by_role("heading", name="Phản hồi")).to_be_visible()
    mark(officer, "3.2", "2", reason="Mô hình đã được Trung ương Hội công nhận")
    officer.get_by_role("button", name="Gửi phản hồi").click()
    expect(officer.locator("#card-status")).to_have_text("Đã phản hồi điểm chấm chéo")

    leader = phone_as("tw.lanhdao")
    leader.goto(card_url)
    expect(leader.get_by_role("heading", name="Thẩm định")).to_be_visible()
    mark(leader, "3.2", "2", reason="Chấp nhận phản hồi")
    leader.get_by_role("button", name="Thẩm định và khóa điểm").click()
    expect(leader.locator("#card-status")).to_have_text("Đã thẩm định, khóa điểm")

    leader.get_by_role("link", name="Sơ kết 6 tháng").click()
    row = leader.locator("#ranking tr", has_text="Hội Chữ thập đỏ Hà Nội")
    expect(row).to_contain_text("Đã thẩm định, khóa điểm")
    expect(row.locator("td").nth(2)).to_have_text(re.compile(r"^\d+"))
