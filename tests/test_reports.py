# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Reports: periods, indicators computed from the records, entered and formula indicators,
the approval workflow level by level, roll-up of approved children, snapshots on submission,
the validation rules, and the merger case (a commune merged mid-way still reports)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from nhandao.lib.errors import Refused
from nhandao.reports import actions, building
from nhandao.reports.models import ReportStatus, ReportStatusChange
from nhandao.reports.periods import MID_DECEMBER, parse
from tests.test_relief_fixtures import DAY, allocate, donate, make_campaign  # noqa: F401

PERIOD = "2024-H2"  # DAY (15/09/2024) falls in it


def values(report):
    return {line.indicator.code: line.value for line in building.lines(report)}


def test_periods_have_explicit_dates_and_the_mid_december_cutoff():
    assert (parse("2026-H1").start, parse("2026-H1").end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert parse("2026").label == "năm 2026"
    shifted = parse("2026-H1", MID_DECEMBER)
    assert (shifted.start, shifted.end) == (date(2025, 12, 15), date(2026, 6, 14))
    assert parse("2026-q3").end == date(2026, 9, 30)
    assert parse("2026-H2").previous_year().code == "2025-H2"
    for bad in ("2026-H3", "26", "2026-13", "1999", "hôm qua"):
        with pytest.raises(Refused, match="Kỳ báo cáo"):
            parse(bad)


def test_computed_indicators_read_the_organisations_own_records(cast):
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 5_000_000)
    donate(cast.ba_dinh, campaign, 7_000_000)
    donate(cast.ba_dinh, campaign, 1_000_000, day=date(2024, 5, 1))  # another period
    donate(cast.ngoc_ha, campaign, 9_000_000)  # another organisation
    report = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, PERIOD)
    figures = values(report)
    assert figures["received_money"] == 12_000_000
    assert figures["total_value"] == 12_000_000  # + goods 0 + other value 0
    assert figures["ratio_to_budget"] is None  # no budget: "—", never a division error
    line = next(x for x in building.lines(report) if x.indicator.code == "received_money")
    assert line.breakdowns == {"transfer": 12_000_000}


def test_entered_values_feed_the_formulas_and_bad_values_are_refused(cast):
    report = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, PERIOD)
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 30_000_000)
    actions.save_entries(cast.ba_dinh_officer, report, {"state_budget": 2_000_000,
                                                        "other_value": 2_000_000})  # fmt: skip
    figures = values(report)
    assert figures["total_value"] == 32_000_000
    assert figures["ratio_to_budget"] == 16.0
    for bad, reason in ((-1, "không được âm"), ("1.500.000,5", "số nguyên"), (10**18, "quá lớn")):
        with pytest.raises(Refused, match=reason):
            actions.save_entries(cast.ba_dinh_officer, report, {"state_budget": bad})
    assert values(report)["ratio_to_budget"] == 16.0  # nothing partial
    with pytest.raises(PermissionDenied):
        actions.save_entries(cast.ngoc_ha_officer, report, {"state_budget": 1})


def test_submission_snapshots_the_computed_values_and_shows_a_later_correction(cast):
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 5_000_000)
    report = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, PERIOD)
    with pytest.raises(Refused, match="Ngân sách"):  # required entry missing
        actions.submit(cast.ba_dinh_officer, report)
    actions.save_entries(cast.ba_dinh_officer, report, {"state_budget": 0})
    report = actions.submit(cast.ba_dinh_officer, report)
    donate(cast.ba_dinh, campaign, 1_000_000)  # recorded late, dated in the period
    line = next(x for x in building.lines(report) if x.indicator.code == "received_money")
    assert (line.value, line.live) == (5_000_000, 6_000_000)
    with pytest.raises(Refused, match="không sửa được"):
        actions.save_entries(cast.ba_dinh_officer, report, {"state_budget": 1})


def submitted(cast, org, officer, budget=0):
    report = actions.open_report(officer, org, PERIOD)
    actions.save_entries(officer, report, {"state_budget": budget})
    return actions.submit(officer, report)


def test_the_level_above_approves_or_returns_and_the_maker_cannot_approve(cast):
    report = submitted(cast, cast.ba_dinh, cast.ba_dinh_officer)
    with pytest.raises(PermissionDenied):  # an officer has no approval right
        actions.approve(cast.ba_dinh_officer, report)
    with pytest.raises(Refused, match="lý do"):
        actions.return_report(cast.hn_manager, report, "  ")
    actions.return_report(cast.hn_manager, report, "Thiếu số liệu học bổng")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    actions.save_entries(cast.ba_dinh_officer, report, {"scholarships": 12})
    actions.submit(cast.ba_dinh_officer, report)
    # The commune's report counts Quán Thánh, merged into it on 01/07/2025: still a child
    # for 2024, so it must be settled first.
    with pytest.raises(Refused, match="Quán Thánh"):
        actions.approve(cast.hn_manager, report)
    actions.mark_not_reporting(cast.hn_manager, cast.quan_thanh, PERIOD, "Số liệu gộp vào Ba Đình")
    actions.approve(cast.hn_manager, report)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    moves = list(
        ReportStatusChange.objects.filter(report=report).values_list("to_status", flat=True)
    )
    assert moves == ["draft", "submitted", "returned", "submitted", "approved"]


def test_a_manager_who_submitted_cannot_approve_his_own_report(cast):
    report = submitted(cast, cast.hanoi, cast.hn_manager)
    with pytest.raises(PermissionDenied):  # approval is the centre's, not Hà Nội's
        actions.approve(cast.hn_manager, report)
    central = submitted(cast, cast.central, cast.tw_manager)
    with pytest.raises(Refused, match="không được tự"):
        actions.approve(cast.tw_manager, central)


def test_totals_roll_up_the_approved_children_and_lock_them(cast):
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 5_000_000)
    donate(cast.ngoc_ha, campaign, 3_000_000)
    donate(cast.hanoi, campaign, 10_000_000)
    ba_dinh = submitted(cast, cast.ba_dinh, cast.ba_dinh_officer, budget=1_000_000)
    ngoc_ha = submitted(cast, cast.ngoc_ha, cast.ngoc_ha_officer, budget=500_000)
    actions.mark_not_reporting(cast.hn_manager, cast.quan_thanh, PERIOD, "Gộp vào Ba Đình")
    actions.approve(cast.hn_manager, ba_dinh)
    hanoi = actions.open_report(cast.hn_officer, cast.hanoi, PERIOD)
    assert values(hanoi)["received_money"] == 15_000_000  # Ngọc Hà not approved yet
    actions.approve(cast.hn_manager, ngoc_ha)
    actions.mark_not_reporting(cast.hn_manager, cast.ba_dinh_district, PERIOD, "Giải thể")
    actions.save_entries(cast.hn_officer, hanoi, {"state_budget": 2_000_000})
    figures = values(hanoi)
    assert figures["received_money"] == 18_000_000
    assert figures["state_budget"] == 3_500_000
    assert figures["ratio_to_budget"] == pytest.approx(18_000_000 / 3_500_000)
    hanoi = actions.submit(cast.hn_officer, hanoi)
    actions.approve(cast.tw_manager, hanoi)
    with pytest.raises(Refused, match="cấp trên"):  # the province has counted it
        actions.reopen(cast.hn_manager, ba_dinh, "Sửa số liệu")
    hanoi = actions.reopen(cast.tw_manager, hanoi, "Bổ sung số liệu")
    actions.reopen(cast.hn_manager, ba_dinh, "Sửa số liệu")
    ba_dinh.refresh_from_db()
    assert ba_dinh.status == ReportStatus.DRAFT
    assert values(hanoi)["received_money"] == 13_000_000  # Ba Đình no longer approved


def test_the_validation_rule_names_its_values(cast):
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.central, campaign, 100_000_000, day=date(2024, 6, 1))  # the first half
    allocate(cast, campaign, cast.hanoi, 40_000_000)  # dated DAY, in the second half
    report = actions.open_report(cast.tw_manager, cast.central, PERIOD)
    actions.save_entries(cast.tw_manager, report, {"state_budget": 0})
    with pytest.raises(Refused, match="không được vượt quá") as refused:
        actions.submit(cast.tw_manager, report)
    assert "40.000.000" in str(refused.value)
    actions.save_entries(cast.tw_manager, report, {"opening_balance": 100_000_000})
    actions.submit(cast.tw_manager, report)


def test_the_word_file_follows_decree_30_and_the_workbook_has_the_children(cast):
    import io

    from docx import Document
    from openpyxl import load_workbook

    from nhandao.reports import outputs

    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 1_500_000)
    ba_dinh = submitted(cast, cast.ba_dinh, cast.ba_dinh_officer, budget=100_000)
    actions.mark_not_reporting(cast.hn_manager, cast.quan_thanh, PERIOD, "Gộp vào Ba Đình")
    actions.approve(cast.hn_manager, ba_dinh)
    hanoi = actions.open_report(cast.hn_officer, cast.hanoi, PERIOD)
    hanoi = actions.save_entries(
        cast.hn_officer, hanoi, {}, {"Kết quả đạt được": "Vận động & trao quà"}
    )

    data, warning = outputs.docx_bytes(hanoi)
    assert warning == ""
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    mm = {
        k: round(getattr(section, k).mm)
        for k in (
            "page_width",
            "page_height",
            "left_margin",
            "right_margin",
            "top_margin",
            "bottom_margin",
        )
    }
    assert (mm["page_width"], mm["page_height"]) == (210, 297)  # A4
    assert 30 <= mm["left_margin"] <= 35 and 15 <= mm["right_margin"] <= 20
    assert 20 <= mm["top_margin"] <= 25 and 20 <= mm["bottom_margin"] <= 25
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert "PAGE" in section.header._element.xml
    header = document.tables[0].rows[0].cells
    assert "HỘI CHỮ THẬP ĐỎ HÀ NỘI" in header[0].text
    assert "TRUNG ƯƠNG HỘI CHỮ THẬP ĐỎ VIỆT NAM" in header[0].text
    assert "Số:" in header[0].text and "/BC-HCTĐ" in header[0].text
    motto = next(p for p in header[1].paragraphs if p.text == "Độc lập - Tự do - Hạnh phúc")
    assert "w:pBdr" in motto._p.xml  # the rule under the motto
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.text.strip()}
    assert fonts == {"Times New Roman"}
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "6 tháng cuối năm 2024" in text
    assert "Vận động & trao quà" in text  # the narrative, escaped once, shown as typed
    table = document.tables[1]
    rows = {r.cells[1].text: r.cells[3].text for r in table.rows[1:]}
    assert rows["Tiền mặt, chuyển khoản tiếp nhận"] == "1.500.000"
    assert rows["Tỷ suất hoạt động so với ngân sách Nhà nước cấp"] == "15,0 lần"
    assert "Nơi nhận:" in document.tables[2].rows[0].cells[0].text

    book = load_workbook(io.BytesIO(outputs.xlsx_bytes(hanoi)))
    annex = list(book["Phụ lục cấp dưới"].values)
    ba_dinh_row = next(r for r in annex if r[0] == cast.ba_dinh.name)
    assert ba_dinh_row[1] == "Đã duyệt" and 1_500_000 in ba_dinh_row


def test_an_office_template_with_a_missing_field_falls_back_to_the_standard(cast, tmp_path):
    from docx import Document

    from nhandao.reports import outputs

    own = Document()
    own.add_paragraph("{{ organisation_name }} — {{ chu_ky_so }}")
    path = tmp_path / "mau.docx"
    own.save(path)
    report = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, PERIOD)
    data, warning = outputs.docx_bytes(report, template=path)
    assert "chu_ky_so" in warning and "mẫu chuẩn" in warning
    assert data[:2] == b"PK"


def test_the_report_command_prints_the_documented_json(cast, capsys, tmp_path):
    import json

    from django.core.management import CommandError, call_command

    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 2_000_000)
    ba_dinh = submitted(cast, cast.ba_dinh, cast.ba_dinh_officer, budget=0)
    actions.mark_not_reporting(cast.hn_manager, cast.quan_thanh, PERIOD, "Gộp vào Ba Đình")
    actions.approve(cast.hn_manager, ba_dinh)
    call_command("report", "CTD-1", PERIOD)
    data = json.loads(capsys.readouterr().out)
    assert data["organisation"]["code"] == "CTD-1"
    assert data["period"] == {"code": "2024-H2", "label": "6 tháng cuối năm 2024",
                              "start": "2024-07-01", "end": "2024-12-31"}  # fmt: skip
    assert data["status"] == "draft"
    by_code = {i["code"]: i for i in data["indicators"]}
    for code in ("received_money", "received_goods_value", "allocated", "distributed",
                 "people_reached", "households_reached", "state_budget", "total_value",
                 "ratio_to_budget"):  # fmt: skip
        keys = {"code", "name", "value", "unit", "source", "previous", "target", "achieved"}
        assert set(by_code[code]) >= keys
    assert by_code["received_money"]["value"] == 2_000_000  # Ba Đình's approved total
    assert by_code["ratio_to_budget"]["value"] is None
    children = {c["organisation"]: c["status"] for c in data["children"]}
    assert children["CTD-X4"] == "approved" and children["CTD-X8"] == "draft"

    out = tmp_path / "bc.docx"
    call_command("report", "CTD-1", PERIOD, "--format", "docx", "--out", str(out))
    assert out.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="Kỳ báo cáo"):
        call_command("report", "CTD-1", "2024-H3")
    with pytest.raises(CommandError, match="Không có tổ chức"):
        call_command("report", "KHONG-CO", PERIOD)


def test_the_pages_walk_a_report_from_draft_to_approval(cast, login, time_machine):
    time_machine.move_to("2025-01-10 09:00 +07:00")  # the second half of 2024 just ended
    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 1_500_000)
    client = login(cast.ba_dinh_officer)
    assert client.get("/bao-cao/?ky=2024-H2").status_code == 200
    response = client.post("/bao-cao/lap/", {"organisation": cast.ba_dinh.code, "period": PERIOD})
    assert response.status_code == 302, response.content
    page = response["Location"]
    report_pk = int(page.rstrip("/").split("/")[-1])
    html = client.get(page).content.decode()
    assert "1.500.000" in html and "Gửi cấp trên" in html and "Duyệt" not in html
    bad = client.post(f"{page}luu/", {"state_budget": "1.500.000,5"})
    assert bad.status_code == 422
    assert "không có phần lẻ" in bad.content.decode()
    ok = client.post(f"{page}luu/", {"state_budget": "100.000", "section_0": "Đã trao quà"})
    assert ok.status_code == 302
    client.post(f"{page}chuyen/submitted/")
    manager = login(cast.hn_manager)
    html = manager.get(page).content.decode()
    assert "Duyệt" in html and "Trả lại để sửa" in html
    manager.post(f"{page}chuyen/returned/", {"note": "Bổ sung học bổng"})
    from nhandao.reports.models import Report

    assert Report.objects.get(pk=report_pk).status == "returned"
    assert "Bổ sung học bổng" in client.get(page).content.decode()
    docx = manager.get(f"{page}tai/docx/")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    # other organisations: 404, not even a hint that the report exists
    assert login(cast.tq_officer).get(page).status_code == 404
    assert login(cast.ngoc_ha_officer).get(page).status_code == 404


def test_the_api_opens_fills_and_moves_a_report(cast, login):
    import json

    client = login(cast.ba_dinh_officer)

    def post(url, data):
        return client.post(url, json.dumps(data), content_type="application/json")

    opened = post("/api/reports", {"organisation": cast.ba_dinh.code, "period": PERIOD})
    assert opened.status_code == 201, opened.content
    listed = client.get("/api/reports?period=2024-h2").json()["items"]
    (row,) = [r for r in listed if r["organisation_id"] == cast.ba_dinh.pk]
    url = f"/api/reports/{row['id']}"
    bad = post(f"{url}/values", {"values": {"state_budget": -5}})
    assert bad.status_code == 422 and "không được âm" in bad.json()["errors"]["state_budget"][0]
    assert post(f"{url}/values", {"values": {"state_budget": 5}}).status_code == 200
    moved = post(f"{url}/move", {"to_status": "submitted"})
    assert moved.status_code == 200 and moved.json()["status"] == "submitted"
    assert post(f"{url}/move", {"to_status": "approved"}).status_code == 403
    assert login(cast.tq_officer).get(url).status_code == 404


def test_computed_indicators_agree_with_the_figures_module(cast):
    """The report reads one organisation's records in a period; the figures module reads a
    campaign's ledger. For a campaign whose money all moved within the period they agree."""
    from nhandao.relief.figures import campaign_figures

    campaign = make_campaign(cast.root, cast.central)
    donate(cast.central, campaign, 80_000_000)
    donate(cast.hanoi, campaign, 6_000_000)
    donate(cast.ba_dinh, campaign, 2_500_000)
    allocate(cast, campaign, cast.hanoi, 30_000_000)
    figures = {row.organisation_id: row.flows for row in campaign_figures(campaign).rows}
    for org in (cast.central, cast.hanoi, cast.ba_dinh):
        report = actions.open_report(cast.root, org, PERIOD)
        computed = building.computed_now(report)
        flows = figures[org.pk]
        assert computed[("received_money", "")] == flows.transfer + flows.cash + flows.other
        assert computed[("received_goods_value", "")] == flows.in_kind
        assert computed[("allocated", "")] == flows.allocated_out
        assert computed[("allocated_in", "")] == flows.allocated_in


def test_the_home_page_lists_reports_to_approve_and_returned(cast, login):
    report = submitted(cast, cast.ba_dinh, cast.ba_dinh_officer)
    assert "Báo cáo cấp dưới chờ bạn duyệt" in login(cast.hn_manager).get("/").content.decode()
    actions.return_report(cast.hn_manager, report, "Thiếu thuyết minh")
    home = login(cast.ba_dinh_officer).get("/").content.decode()
    assert "Báo cáo bị trả lại, cần sửa" in home
    assert "Báo cáo cấp dưới chờ bạn duyệt" not in login(cast.hn_manager).get("/").content.decode()
