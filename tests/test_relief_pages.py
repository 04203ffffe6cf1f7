# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Relief pages and API: the same rules through every entry point, access through
orgs/access.py (out of reach → 404 or refusal), exports downloadable."""

from datetime import date

import pytest
from django.urls import reverse

from nhandao.relief import actions
from nhandao.relief.models import Allocation, AllocationStatus, DistributionLine
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    allocate,
    balance,
    earlier_support,
    funded,
    hanoi_round,
    household,
    make_campaign,
    unit,
    yagi,
)


@pytest.fixture
def open_round(cast, funded):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    home = household(cast, unit("4"), cast.ba_dinh, "Nguyễn Thị Hoa")
    earlier_support(cast, home, day=date(2024, 9, 12))
    rnd = hanoi_round(cast, funded, name="Trao tiền Ba Đình")
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", home, None, 1_000_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    return rnd


def test_the_relief_pages_render_for_a_province_manager(cast, login, open_round):
    client = login(cast.hn_manager)
    for url in [
        reverse("relief_home"),
        reverse("relief_campaign", args=[open_round.campaign_id]),
        reverse("relief_allocations"),
        reverse("relief_allocation_create"),
        reverse("relief_round_create"),
        reverse("relief_round", args=[open_round.pk]),
        reverse("relief_coverage"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Cứu trợ" in client.get(reverse("home")).content.decode()


def test_a_proposal_through_the_page_and_the_makers_own_approval_is_refused(cast, login, funded):
    client = login(cast.tw_manager)
    response = client.post(
        reverse("relief_allocation_create"),
        {
            "organisation": "CTD-TW",
            "campaign": funded.code,
            "target_organisation": "CTD-1",
            "amount": "2000000",
            "decision_no": "15/QĐ-TWH",
            "decision_date": "15/09/2024",
        },
    )
    allocation = Allocation.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("relief_allocation_decide", args=[allocation.pk, "duyet"]), follow=True
    )
    assert "Người đề xuất không được tự duyệt" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED
    login(cast.root).post(reverse("relief_allocation_decide", args=[allocation.pk, "duyet"]))
    allocation.refresh_from_db()
    assert (
        allocation.status == AllocationStatus.EXECUTED and balance(cast.hanoi, funded) == 2_000_000
    )


def test_an_over_allocation_on_the_page_shows_the_reason(cast, login, funded):
    response = login(cast.tw_manager).post(
        reverse("relief_allocation_create"),
        {
            "organisation": "CTD-TW",
            "campaign": funded.code,
            "target_organisation": "CTD-1",
            "amount": "99000000",
            "decision_no": "16",
            "decision_date": "15/09/2024",
        },
    )
    assert response.status_code == 200
    assert "Vượt số dư" in response.content.decode() and not Allocation.objects.exists()


def test_the_round_page_warns_of_an_overlap_and_a_manager_overrides_with_a_reason(
    cast, login, open_round
):
    line = open_round.lines.get()
    page = (
        login(cast.hn_officer).get(reverse("relief_round", args=[open_round.pk])).content.decode()
    )
    assert "Cảnh báo trùng" in page and "Ủy ban Trung ương MTTQ" in page
    response = login(cast.hn_officer).post(
        reverse("relief_line_confirm", args=[line.pk]), {"method": "signature"}, follow=True
    )
    assert "Cảnh báo trùng" in response.content.decode()
    line.refresh_from_db()
    assert line.status == "planned"
    login(cast.hn_manager).post(
        reverse("relief_line_confirm", args=[line.pk]),
        {"method": "signature", "override_reason": "Nhà bị sập"},
    )
    line.refresh_from_db()
    assert line.status == "received" and line.override_reason == "Nhà bị sập"


def test_a_round_outside_reach_is_not_found(cast, login, open_round):
    client = login(cast.tq_officer)
    assert client.get(reverse("relief_round", args=[open_round.pk])).status_code == 404
    line = open_round.lines.get()
    assert (
        client.post(
            reverse("relief_line_confirm", args=[line.pk]), {"method": "signature"}
        ).status_code
        == 404
    )


def test_the_distribution_list_downloads_as_xlsx_and_docx(cast, login, open_round):
    client = login(cast.hn_viewer)
    xlsx = client.get(reverse("relief_round_export", args=[open_round.pk, "xlsx"]))
    docx = client.get(reverse("relief_round_export", args=[open_round.pk, "docx"]))
    assert xlsx.status_code == docx.status_code == 200
    assert xlsx.content[:2] == docx.content[:2] == b"PK"


def test_the_coverage_page_counts_and_exports(cast, login, open_round):
    client = login(cast.hn_manager)
    params = {"campaign": open_round.campaign.code, "province": "1"}
    page = client.get(reverse("relief_coverage"), params)
    assert page.status_code == 200 and "Phường Ba Đình" in page.content.decode()
    export = client.get(reverse("relief_coverage"), {**params, "export": "xlsx"})
    assert export.content[:2] == b"PK"


def test_coverage_outside_the_users_area_or_campaigns_is_refused(cast, login, open_round):
    code = open_round.campaign.code
    response = login(cast.hn_officer).get(
        reverse("relief_coverage"), {"campaign": code, "province": "8"}
    )
    assert response.status_code == 403
    # Tuyên Quang takes part in the national appeal, but Hà Nội is not its area
    response = login(cast.tq_officer).get(
        reverse("relief_coverage"), {"campaign": code, "province": "1"}
    )
    assert response.status_code == 403
    # a campaign of Hà Nội (a sibling province) is not Tuyên Quang's to query at all
    hanoi_campaign = make_campaign(cast.root, cast.hanoi, code="HN-LU")
    response = login(cast.tq_officer).get(
        reverse("relief_coverage"), {"campaign": hanoi_campaign.code, "province": "8"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "nằm ngoài phạm vi của bạn" in page
    assert 'id="coverage"' not in page


def test_the_api_proposes_approves_and_answers_an_overlap_with_409(cast, login, open_round):
    client = login(cast.hn_manager)
    response = client.post(
        "/api/relief/allocations",
        {
            "organisation": "CTD-1",
            "campaign": open_round.campaign.code,
            "amount": 1_000_000,
            "decision_no": "20/QĐ",
            "decision_date": "2024-09-16",
            "target_organisation": "CTD-X4",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    refused = client.post(
        f"/api/relief/allocations/{pk}/approve", {}, content_type="application/json"
    )
    assert refused.status_code == 422 and "Người đề xuất" in refused.json()["detail"]
    ok = login(cast.root).post(
        f"/api/relief/allocations/{pk}/approve", {}, content_type="application/json"
    )
    assert ok.json()["status"] == "executed"
    line = open_round.lines.get()
    conflict = login(cast.hn_officer).post(
        f"/api/relief/lines/{line.pk}/confirm",
        {"method": "signature"},
        content_type="application/json",
    )
    assert conflict.status_code == 409 and conflict.json()["overlaps"][0]["value"] == 300_000
    figures = login(cast.hn_viewer).get(f"/api/relief/campaigns/{open_round.campaign_id}/figures")
    assert figures.status_code == 200 and figures.json()["reconciliation"]["balanced"]
    assert DistributionLine.objects.filter(status="received").count() == 0


def test_a_signed_paper_list_confirms_every_line_or_none(
    cast, login, open_round, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    other = household(cast, unit("4"), cast.ba_dinh, "Trần Văn Nam")
    rnd = hanoi_round(cast, open_round.campaign, name="Đợt 2")
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", other, None, 200_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    client = login(cast.hn_officer)
    scan = SimpleUploadedFile("ds-ky.jpg", b"\xff\xd8 scan", content_type="image/jpeg")
    page = client.post(
        reverse("relief_round_confirm_all", args=[open_round.pk]),
        {"receipt_file": scan},
        follow=True,
    ).content.decode()
    assert "Chưa xác nhận dòng nào" in page and "Cảnh báo trùng" in page
    assert not DistributionLine.objects.filter(round=open_round, status="received").exists()
    scan = SimpleUploadedFile("ds-ky.jpg", b"\xff\xd8 scan", content_type="image/jpeg")
    client.post(reverse("relief_round_confirm_all", args=[rnd.pk]), {"receipt_file": scan})
    line = rnd.lines.get()
    assert line.status == "received" and line.receipt_method == "paper_list"
    assert line.receipt_file.name.startswith("relief/receipts/")


def test_a_viewer_sees_a_round_but_may_not_confirm_its_lines(cast, login, open_round):
    client = login(cast.hn_viewer)
    line = open_round.lines.get()
    assert client.get(reverse("relief_round", args=[open_round.pk])).status_code == 200
    url = reverse("relief_line_confirm", args=[line.pk])
    assert client.post(url, {"method": "signature"}).status_code == 403
    api = client.post(
        f"/api/relief/lines/{line.pk}/confirm",
        {"method": "signature"},
        content_type="application/json",
    )
    assert api.status_code == 403
    line.refresh_from_db()
    assert line.status == "planned"


def test_the_api_gets_its_records_without_the_views():
    """Entry points share relief/lookups.py; the API never imports the HTML views."""
    import ast
    from pathlib import Path

    from nhandao.relief import api

    tree = ast.parse(Path(api.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    assert "nhandao.relief.views" not in imported
    assert "nhandao.relief.lookups" in imported
