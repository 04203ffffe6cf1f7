"""Key flow in a real browser (issue #21): the Hà Nội Front committee issues a plan with tasks
to the city's Red Cross and two communes' chapters; one commune is late and the follow-up
board shows it; that commune reports completion with evidence and the Front closes it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def pick_more(page, field_id: str, typed: str, option_text: str) -> None:
    """Add one organisation in a picker of several: open it, type part of the name (no
    accents), click the option, close the list."""
    page.locator(f"#{field_id} + .ts-wrapper .ts-control").click()
    page.keyboard.type(typed)
    page.locator(".ts-dropdown .option").filter(has_text=option_text).first.click()
    chosen = page.locator(f"#{field_id} + .ts-wrapper .item").filter(has_text=option_text)
    expect(chosen).to_have_count(1)
    page.keyboard.press("Escape")


def dmy(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).strftime("%d/%m/%Y")


def test_a_province_front_follows_a_directive_to_the_end(phone_as):
    front = phone_as("hn.mttq.canbo")
    front.goto("/chi-dao/")
    front.get_by_label("Số, ký hiệu").fill("20/KH-MTTQ-BTT")
    front.get_by_label("Trích yếu").fill("Phối hợp trao quà Tết cho hộ nghèo")
    front.get_by_label("Ngày ban hành (dd/mm/yyyy)").fill(dmy(-10))
    front.get_by_role("button", name="Lưu văn bản").click()
    expect(front).to_have_url(re.compile(r"/chi-dao/\d+/$"))
    directive_url = front.url

    front.get_by_label("Nội dung nhiệm vụ").fill("Tổng hợp danh sách hộ nghèo")
    pick_more(front, "id_assignees", "chu thap do ha noi", "Hội Chữ thập đỏ Hà Nội")
    front.get_by_label("Hạn hoàn thành (dd/mm/yyyy)").fill(dmy(10))
    front.get_by_role("button", name="Giao nhiệm vụ").click()
    expect(front.locator("#follow-up")).to_contain_text("Tổng hợp danh sách hộ nghèo")

    front.get_by_label("Nội dung nhiệm vụ").fill("Trao quà tận tay, có danh sách ký nhận")
    pick_more(front, "id_assignees", "ba dinh", "Phường Ba Đình")
    pick_more(front, "id_assignees", "tay phuong", "Tây Phương")
    front.get_by_label("Hạn hoàn thành (dd/mm/yyyy)").fill(dmy(-1))
    front.get_by_role("button", name="Giao nhiệm vụ").click()
    late = front.locator("#follow-up tr.overdue")
    expect(late).to_have_count(2)
    expect(late.first).to_contain_text("quá hạn")

    commune = phone_as("xa.canbo")
    commune.goto("/nhiem-vu/")
    commune.get_by_role("link", name="Trao quà tận tay, có danh sách ký nhận").click()
    commune.get_by_label("Tiến độ (%)").fill("100")
    commune.get_by_label("Kết quả thực hiện").fill("Đã trao đủ 80 suất quà.")
    commune.get_by_label("Minh chứng (mô tả)").fill("Danh sách ký nhận lưu tại văn phòng")
    commune.get_by_label("Đã hoàn thành nhiệm vụ").check()
    commune.get_by_role("button", name="Gửi báo cáo").click()
    expect(commune.locator("#task-status")).to_have_text("Báo cáo hoàn thành, chờ xác nhận")

    front.goto(directive_url)
    expect(front.locator("#follow-up tr.overdue")).to_have_count(1)  # Tây Phương still late
    front.locator("#follow-up tr", has_text="Phường Ba Đình").get_by_role("link").click()
    front.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(front.locator("#task-status")).to_have_text("Hoàn thành")
    front.goto(directive_url)
    expect(front.locator("#follow-up tr", has_text="Phường Ba Đình")).to_contain_text("Hoàn thành")
