"""Publishing reports on the portal (issue #17): an approved report is published by the
leaders of its organisation ("approve" there), audited; the public pages list it by period
and organisation and show its indicator table and Word file, never a draft nor the
back-office narrative, history or people."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from nhandao.audit.models import AuditEvent
from nhandao.lib.errors import Refused
from nhandao.reports import actions
from nhandao.reports.models import Report

PERIOD = "2024-H2"


def approved(cast):
    report = actions.open_report(cast.ba_dinh_officer, cast.ba_dinh, PERIOD)
    actions.save_entries(cast.ba_dinh_officer, report, {"state_budget": 2_500_000},
                         {"Kết quả đạt được": "Chị Nguyễn Thị Bí Mật được hỗ trợ."})  # fmt: skip
    actions.submit(cast.ba_dinh_officer, report)
    actions.mark_not_reporting(cast.hn_manager, cast.quan_thanh, PERIOD, "Gộp vào Ba Đình")
    return actions.approve(cast.hn_manager, report)


def test_only_an_approved_report_is_published_by_its_leaders_and_audited(cast):
    draft = actions.open_report(cast.ngoc_ha_officer, cast.ngoc_ha, PERIOD)
    with pytest.raises(Refused, match="chỉ công khai được báo cáo đã duyệt"):
        actions.publish(cast.hn_manager, draft)
    report = approved(cast)
    with pytest.raises(PermissionDenied):  # an officer does not approve at Ba Đình
        actions.publish(cast.ba_dinh_officer, report)
    actions.publish(cast.hn_manager, report)
    assert Report.objects.get(pk=report.pk).published
    with pytest.raises(Refused, match="đã được công khai"):
        actions.publish(cast.hn_manager, report)
    event = AuditEvent.objects.filter(action="report.publish").get()
    assert event.after == {"published": True}
    actions.publish(cast.hn_manager, report, published=False)
    assert not Report.objects.get(pk=report.pk).published
    assert AuditEvent.objects.filter(action="report.unpublish").count() == 1


def test_reopening_takes_the_report_off_the_portal(cast):
    report = approved(cast)
    actions.publish(cast.hn_manager, report)
    actions.reopen(cast.hn_manager, report, "Sửa số nhà nhân đạo")
    assert not Report.objects.get(pk=report.pk).published


def test_the_public_pages_show_figures_and_word_but_no_narrative(cast, client, login):
    report = approved(cast)
    page = f"/cong-khai/bao-cao/{report.pk}/"
    assert client.get(page).status_code == 404  # approved but not published: not there
    assert "Ba Đình" not in client.get("/cong-khai/bao-cao/").content.decode()

    manager = login(cast.hn_manager)
    html = manager.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Công khai trên cổng thông tin" in html
    response = manager.post(f"/bao-cao/{report.pk}/cong-khai/")
    assert response.status_code == 302
    assert "xem trên cổng thông tin" in manager.get(f"/bao-cao/{report.pk}/").content.decode()

    client.logout()
    listing = client.get("/cong-khai/bao-cao/").content.decode()
    assert report.organisation.name in listing and "6 tháng cuối năm 2024" in listing
    narrowed = client.get(f"/cong-khai/bao-cao/?ky={PERIOD}").content.decode()
    assert report.organisation.name in narrowed
    assert (
        report.organisation.name
        not in client.get("/cong-khai/bao-cao/?ky=2023-H2").content.decode()
    )
    html = client.get(page).content.decode()
    assert "2.500.000" in html and "Tải báo cáo Word" in html
    assert "Bí Mật" not in html and "Lịch sử" not in html
    docx = client.get(f"{page}bao-cao.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"

    # the officer of Ba Đình sees no button and cannot post one
    officer = login(cast.ba_dinh_officer)
    assert "Thôi công khai" not in officer.get(f"/bao-cao/{report.pk}/").content.decode()
    assert officer.post(f"/bao-cao/{report.pk}/cong-khai/", {"published": "0"}).status_code == 403
    # taking it down: gone from the portal (login() logs the one test client in again)
    login(cast.hn_manager).post(f"/bao-cao/{report.pk}/cong-khai/", {"published": "0"})
    client.logout()
    assert client.get(page).status_code == 404
    assert client.get(f"{page}bao-cao.docx").status_code == 404


def test_the_api_publishes_an_approved_report_like_the_page(cast, login):
    report = approved(cast)
    url = f"/api/reports/{report.pk}/publish"
    officer = login(cast.ba_dinh_officer)
    assert officer.post(url, {}, content_type="application/json").status_code == 403
    manager = login(cast.hn_manager)
    response = manager.post(url, {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["published"] is True
    assert Report.objects.get(pk=report.pk).published
    again = manager.post(url, {}, content_type="application/json")
    assert again.status_code == 422 and "đã được công khai" in again.json()["detail"]
    response = manager.post(url, {"published": False}, content_type="application/json")
    assert response.json()["published"] is False
    assert AuditEvent.objects.filter(action="report.unpublish").count() == 1


def test_the_portal_home_links_to_the_published_reports(cast, client):
    body = client.get(reverse("portal_home")).content.decode()
    assert f'href="{reverse("public_reports")}"' in body


def docx_text(data: bytes) -> str:
    """Every paragraph's text of a .docx, tables (and tables in them) included."""
    import io

    from docx import Document

    def walk(container):
        for paragraph in container.paragraphs:
            yield paragraph.text
        for table in container.tables:
            for table_row in table.rows:
                for cell in table_row.cells:
                    yield from walk(cell)

    return "\n".join(walk(Document(io.BytesIO(data))))


def test_the_public_word_holds_only_the_approved_values_no_narrative_no_signer(cast, client):
    from nhandao.reports import outputs
    from tests.test_relief_fixtures import donate, make_campaign

    campaign = make_campaign(cast.root, cast.central)
    donate(cast.ba_dinh, campaign, 4_000_000)
    report = approved(cast)
    actions.publish(cast.hn_manager, report)
    donate(cast.ba_dinh, campaign, 900_000)  # recorded after approval: not in the report
    actions.set_targets(cast.hn_manager, cast.ba_dinh, PERIOD, {"received_money": 8_000_000})
    office = docx_text(outputs.docx_bytes(report)[0])  # the back office's copy: all of it
    assert cast.hn_manager.full_name == "hn_manager"
    assert "Bí Mật" in office and cast.hn_manager.full_name in office

    response = client.get(f"/cong-khai/bao-cao/{report.pk}/bao-cao.docx")
    assert response.status_code == 200
    public = docx_text(response.content)
    assert "Bí Mật" not in public and "Kết quả đạt được" not in public  # no narrative
    assert cast.hn_manager.full_name not in public  # no signer's name
    assert "4.000.000" in public and "2.500.000" in public  # approved money and budget
    assert "4.900.000" not in public and "8.000.000" not in public  # nothing live, no target
    assert "HỘI CHỮ THẬP ĐỎ PHƯỜNG BA ĐÌNH" in public and "BÁO CÁO" in public
    page = client.get(f"/cong-khai/bao-cao/{report.pk}/").content.decode()
    assert "4.000.000" in page and "4.900.000" not in page
