# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The printed distribution list (issue #16): the whole round on paper — every line, not the
screen's page of 100 — with a signature column, a Decree 30 heading, the head repeated on each
printed page; linked from the round's page; opened by whoever may open the round (the access
matrix has its row), refused to the others."""

import re
from pathlib import Path

import pytest

from nhandao.beneficiaries import actions as registry
from nhandao.relief import actions
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    allocate,
    funded,
    hanoi_round,
    unit,
    yagi,
)

MANY = 103  # more than the round page's 100 lines


@pytest.fixture
def rnd(cast, funded):
    allocate(cast, funded, cast.hanoi, 10_000_000)
    rnd = hanoi_round(cast, funded, place="Nhà văn hóa tổ 5")
    entries = []
    for n in range(MANY):
        home = registry.create_household(cast.root, organisation=cast.hanoi, commune=unit("4"))
        head = registry.create_person(
            cast.root,
            organisation=cast.hanoi,
            household=home,
            relationship="head",
            full_name=f"Nguyễn Văn Người {n:03d}",
            commune=unit("4"),
        )
        entries.append((f"Dòng {n + 1}", home, head, 50_000, None))
    actions.add_lines(cast.hn_officer, rnd, entries)
    return rnd


def test_the_print_view_holds_every_line_with_a_signature_column_under_a_decree_30_heading(
    cast, login, rnd
):
    client = login(cast.hn_officer)
    page = client.get(f"/cuu-tro/dot/{rnd.pk}/").content.decode()
    assert f'href="/cuu-tro/dot/{rnd.pk}/ban-in/"' in page
    assert "Nguyễn Văn Người 102" not in page  # the page shows 100 lines
    html = client.get(f"/cuu-tro/dot/{rnd.pk}/ban-in/").content.decode()
    table = html.split('id="sign-list"', 1)[1].split("</table>", 1)[0]
    head = table.split("</thead>", 1)[0]
    for column in ("STT", "Họ và tên người nhận", "Địa chỉ", "Trị giá (đồng)", "Ký nhận"):
        assert column in head
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert len(re.findall(r"<tr>", body)) == MANY
    for n in (0, 50, 102):
        assert f"Nguyễn Văn Người {n:03d}" in body
    assert f">{MANY}</td>" in body  # numbered to the last
    assert "Tổng cộng: 103 người nhận" in table and "5.150.000" in table
    heading = html.split('id="print-list"', 1)[1].split("<table", 1)[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading
    assert "Độc lập - Tự do - Hạnh phúc" in heading
    assert cast.hanoi.name.upper() in heading and cast.hanoi.parent.name.upper() in heading
    assert f"ngày {rnd.date:%d} tháng {rnd.date:%m} năm {rnd.date:%Y}" in heading
    assert "DANH SÁCH CẤP PHÁT" in heading and funded_name(rnd) in heading
    assert "print-list.css" in html


def funded_name(rnd):
    return rnd.campaign.name


def test_the_print_stylesheet_repeats_the_head_on_each_page_and_keeps_rows_whole():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("print-list.css")).read_text(encoding="utf-8")
    assert re.search(r"thead\s*{\s*display:\s*table-header-group", css)
    assert "break-inside: avoid" in css
    assert "size: A4 landscape" in css


def test_a_cancelled_line_is_not_printed(cast, login, rnd):
    line = rnd.lines.order_by("pk").first()
    actions.cancel_line(cast.hn_officer, line, "Chuyển nơi ở")
    html = login(cast.hn_officer).get(f"/cuu-tro/dot/{rnd.pk}/ban-in/").content.decode()
    assert "Nguyễn Văn Người 000" not in html
    assert "Tổng cộng: 102 người nhận" in html


def test_only_those_who_may_open_the_round_may_print_it(cast, login, rnd):
    url = f"/cuu-tro/dot/{rnd.pk}/ban-in/"
    assert login(cast.hn_viewer).get(url).status_code == 200
    assert login(cast.tq_officer).get(url).status_code == 404
    assert login(cast.ba_dinh_officer).get(url).status_code == 404  # below Hà Nội: not its round
    client = login(cast.outsider)
    assert client.get(url).status_code == 404
