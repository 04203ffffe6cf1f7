# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The all-communes annex (issue #17): a province's Excel and Word reports list every commune
under it — not only its direct children — grouped by its parent, with each one's status and
approved values; the national Word leaves it to the Excel file."""

import io

from docx import Document
from openpyxl import load_workbook

from nhandao.reports import actions, building, outputs
from tests.test_relief_fixtures import donate, make_campaign  # noqa: F401

PERIOD = "2024-H2"


def world(cast):
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 5_000_000)
    donate(cast.quan_thanh, campaign, 2_000_000)
    donate(cast.ngoc_ha, campaign, 3_000_000)
    # Quán Thánh (merged into Ba Đình in 2025, so under it now) reports for 2024, approved
    quan_thanh = actions.open_report(cast.root, cast.quan_thanh, PERIOD)
    actions.save_entries(cast.root, quan_thanh, {"state_budget": 400_000})
    actions.submit(cast.root, quan_thanh)
    actions.approve(cast.hn_manager, quan_thanh)
    ba_dinh = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, PERIOD)
    actions.save_entries(cast.ba_dinh_officer, ba_dinh, {"state_budget": 1_000_000})
    actions.submit(cast.ba_dinh_officer, ba_dinh)  # submitted, not approved
    return actions.open_report(cast.hn_officer, cast.hanoi, PERIOD)


def test_the_annex_lists_every_commune_grouped_by_its_parent(cast):
    hanoi = world(cast)
    groups = {
        parent.code: [
            (r.organisation.code, r.status_label, r.values.get("received_money")) for r in rows
        ]  # fmt: skip
        for parent, rows in building.communes_annex(hanoi)
    }
    assert groups == {
        "CTD-1": [("CTD-X4", "Đã gửi, chờ duyệt", None), ("CTD-X8", "Chưa lập", None)],
        # merged into Ba Đình on 01/07/2025 and reporting for 2024 under it: a grandchild
        "CTD-X4": [("CTD-X13-2024", "Đã duyệt", 2_000_000)],
    }
    [(_, [quan_thanh])] = [g for g in building.communes_annex(hanoi) if g[0].code == "CTD-X4"]
    assert quan_thanh.values["ratio_to_budget"] == 5.0  # formulas on its approved totals
    assert building.communes_annex(actions.open_report(cast.root, cast.ngoc_ha, PERIOD)) == []


def test_the_excel_and_word_annexes_hold_the_communes(cast):
    hanoi = world(cast)
    book = load_workbook(io.BytesIO(outputs.xlsx_bytes(hanoi)), read_only=True)
    sheet = list(book["Phụ lục xã, phường"].values)
    header = sheet[0]
    assert header[:3] == ("Trực thuộc", "Xã, phường, đặc khu", "Tình trạng")
    rows = {row[1]: row for row in sheet[1:]}
    assert set(rows) == {"Hội Chữ thập đỏ Phường Ba Đình", "Hội Chữ thập đỏ Phường Ngọc Hà",
                         "Hội Chữ thập đỏ Phường Quán Thánh"}  # fmt: skip
    quan_thanh = rows["Hội Chữ thập đỏ Phường Quán Thánh"]
    assert quan_thanh[0] == "Hội Chữ thập đỏ Phường Ba Đình" and quan_thanh[2] == "Đã duyệt"
    assert 2_000_000 in quan_thanh[3:] and 400_000 in quan_thanh[3:]
    ba_dinh = rows["Hội Chữ thập đỏ Phường Ba Đình"]
    assert ba_dinh[2] == "Đã gửi, chờ duyệt" and all(v is None for v in ba_dinh[3:])

    document = Document(io.BytesIO(outputs.docx_bytes(hanoi)[0]))
    annex = document.tables[-1]
    texts = [[c.text for c in row.cells] for row in annex.rows]
    assert texts[0][:3] == ["TT", "Đơn vị", "Tình trạng"]
    names = [row[1] for row in texts[1:]]
    assert names == ["HỘI CHỮ THẬP ĐỎ HÀ NỘI", "Hội Chữ thập đỏ Phường Ba Đình",
                     "Hội Chữ thập đỏ Phường Ngọc Hà", "HỘI CHỮ THẬP ĐỎ PHƯỜNG BA ĐÌNH",
                     "Hội Chữ thập đỏ Phường Quán Thánh"]  # fmt: skip
    assert texts[-1][2] == "Đã duyệt" and "2.000.000" in texts[-1][3:]
    assert texts[2][3:] == ["—", "—", "—"]


def test_the_national_word_leaves_the_communes_to_the_excel_file(cast):
    world(cast)
    national = actions.open_report(cast.root, cast.central, PERIOD)
    document = Document(io.BytesIO(outputs.docx_bytes(national)[0]))
    assert "PHỤ LỤC" not in "\n".join(p.text for p in document.paragraphs)
    book = load_workbook(io.BytesIO(outputs.xlsx_bytes(national)), read_only=True)
    names = [row[1] for row in list(book["Phụ lục xã, phường"].values)[1:]]
    assert "Hội Chữ thập đỏ Phường Quán Thánh" in names and len(names) == 4  # + Tuyên Quang's
