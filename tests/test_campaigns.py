"""Campaigns: the status pipeline, Decree 93 deadlines (frozen time), roll-ups, pages, API."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from nhandao.campaigns import actions
from nhandao.campaigns.forms import CampaignForm, ExtensionForm
from nhandao.campaigns.models import Campaign, CampaignKind, CampaignStatus
from nhandao.donations import actions as donation_actions
from nhandao.donations.forms import DonationForm

LAUNCH = date(2024, 9, 8)


def appeal(cast, **extra):
    fields = {
        "code": "YAGI",
        "name": "Cứu trợ bão Yagi",
        "kind": CampaignKind.APPEAL,
        "organisation": cast.hanoi,
        "launch_date": LAUNCH,
        **extra,
    }
    return actions.create_campaign(cast.root, **fields)


def form_data(**extra):
    return {
        "code": "tnd-2025",
        "name": "Tháng Nhân đạo 2025",
        "kind": "humanitarian_month",
        "organisation": "CTD-1",
        "launch_date": "01/05/2025",
        **extra,
    }


def test_status_moves_only_along_the_transitions_table_and_each_move_is_recorded(cast):
    campaign = appeal(cast)
    with pytest.raises(actions.TransitionError, match="Không thể chuyển"):
        actions.set_status(cast.hn_officer, campaign, CampaignStatus.CLOSED)
    for status in ("receiving", "distributing", "closed"):
        campaign = actions.set_status(cast.hn_officer, campaign, status, note=f"sang {status}")
    with pytest.raises(PermissionDenied, match="Công khai kết quả"):  # a leader's decision
        actions.set_status(cast.hn_officer, campaign, "published")
    campaign = actions.set_status(cast.hn_manager, campaign, "published", note="sang published")
    history = list(campaign.history.values_list("from_status", "to_status"))
    assert history == [
        ("", "draft"),
        ("draft", "receiving"),
        ("receiving", "distributing"),
        ("distributing", "closed"),
        ("closed", "published"),
    ]
    with pytest.raises(actions.TransitionError):
        actions.set_status(cast.hn_officer, campaign, CampaignStatus.RECEIVING)


def test_an_appeal_receives_for_at_most_90_days_and_distributes_within_20_more(cast):
    campaign = appeal(cast)
    assert campaign.receiving_closes_on() == date(2024, 12, 7)
    assert campaign.distribution_closes_on() == date(2024, 12, 27)
    assert campaign.refusal_for(date(2024, 12, 7)) is None
    assert "đã kết thúc tiếp nhận ngày 07/12/2024" in campaign.refusal_for(date(2024, 12, 8))


def test_the_form_refuses_a_receiving_period_longer_than_the_decree_allows(cast):
    data = form_data(
        kind="appeal",
        launch_date="08/09/2024",
        receiving_end="08/12/2024",
        distribution_end="31/12/2024",
    )
    form = CampaignForm(data, actor=cast.hn_officer)
    assert not form.is_valid()
    assert "tối đa 90 ngày" in form.errors["receiving_end"][0]
    assert "chậm nhất 20 ngày" in form.errors["distribution_end"][0]
    assert not Campaign.objects.exists()


def test_an_extension_by_a_provincial_body_moves_the_deadline(cast):
    campaign = appeal(cast)
    bad = ExtensionForm(
        {
            "new_receiving_end": "31/12/2024",
            "decided_by": "CTD-X4",
            "decision_ref": "12/QĐ",
            "decided_on": "01/12/2024",
        },
        actor=cast.hn_officer,
        campaign=campaign,
    )
    assert not bad.is_valid() and "cấp tỉnh trở lên" in bad.errors["decided_by"][0]
    good = ExtensionForm(
        {
            "new_receiving_end": "31/12/2024",
            "decided_by": "CTD-1",
            "decision_ref": "12/QĐ-CTĐ",
            "decided_on": "01/12/2024",
        },
        actor=cast.hn_officer,
        campaign=campaign,
    )
    assert good.is_valid(), good.errors
    actions.extend_receiving(cast.hn_officer, campaign, **good.cleaned_data)
    campaign.refresh_from_db()
    assert campaign.receiving_closes_on() == date(2024, 12, 31)
    assert campaign.refusal_for(date(2024, 12, 20)) is None


@time_machine.travel("2024-12-02 09:00 +0700", tick=False)
def test_warnings_come_a_week_before_the_receiving_deadline(cast):
    campaign = appeal(cast, status=CampaignStatus.RECEIVING)
    from django.utils import timezone

    assert campaign.warnings(timezone.localdate()) == [
        "Còn 5 ngày đến hạn kết thúc tiếp nhận (07/12/2024)."
    ]


@time_machine.travel("2024-12-10 09:00 +0700", tick=False)
def test_a_donation_dated_after_receiving_ends_is_refused(cast):
    campaign = appeal(cast, status=CampaignStatus.RECEIVING)
    from django.utils import timezone

    assert campaign.warnings(timezone.localdate())[0].startswith("Đã quá hạn kết thúc tiếp nhận")
    form = DonationForm(
        {
            "organisation": "CTD-1",
            "campaign": "YAGI",
            "received_on": "10/12/2024",
            "amount": "500000",
            "donor_kind": "individual",
            "donor_name": "Nguyễn Văn An",
        },
        actor=cast.hn_accountant,
        channel="cash",
    )
    assert not form.is_valid()
    assert form.errors["received_on"] == [
        "Chiến dịch “Cứu trợ bão Yagi” đã kết thúc tiếp nhận ngày 07/12/2024; không nhận "
        "khoản ủng hộ ngày 10/12/2024."
    ]
    with pytest.raises(donation_actions.DonationRefused):
        donation_actions.record_donation(
            cast.hn_accountant,
            organisation=cast.hanoi,
            channel="cash",
            received_on=date(2024, 12, 10),
            amount=500_000,
            campaign=campaign,
        )
    assert not campaign.donations.exists()


@time_machine.travel("2024-12-10 09:00 +0700", tick=False)
def test_a_refused_donation_typed_in_leaves_no_donor_behind(cast):
    from nhandao.donations.models import Donor

    campaign = appeal(cast, status=CampaignStatus.RECEIVING)
    entered = {
        "organisation": cast.hanoi,
        "campaign": campaign,
        "received_on": date(2024, 12, 10),
        "amount": 500_000,
        "donor_kind": "individual",
        "donor_name": "Nguyễn Văn An",
        "donor_phone": "0912345678",
        "consent_publish": False,
    }
    with pytest.raises(donation_actions.DonationRefused):
        donation_actions.record_entered_donation(cast.hn_accountant, "cash", entered)
    assert not Donor.objects.filter(phone="0912345678").exists()
    assert not campaign.donations.exists()


def test_figures_of_provincial_and_commune_parts_roll_up(cast):
    national = actions.create_campaign(
        cast.root,
        code="TND",
        name="Tháng Nhân đạo",
        kind="humanitarian_month",
        organisation=cast.central,
        launch_date=date(2025, 5, 1),
        status="receiving",
    )
    province = actions.create_campaign(
        cast.root,
        code="TND-HN",
        name="Tháng Nhân đạo Hà Nội",
        kind="humanitarian_month",
        organisation=cast.hanoi,
        parent=national,
        launch_date=date(2025, 5, 1),
        status="receiving",
    )
    commune = actions.create_campaign(
        cast.root,
        code="TND-BD",
        name="Tháng Nhân đạo Ba Đình",
        kind="humanitarian_month",
        organisation=cast.ba_dinh,
        parent=province,
        launch_date=date(2025, 5, 1),
        status="receiving",
    )
    for org, campaign, amount in (
        (cast.central, national, 1_000_000),
        (cast.hanoi, province, 200_000),
        (cast.ba_dinh, commune, 30_000),
    ):
        donation_actions.record_donation(
            cast.root,
            organisation=org,
            channel="cash",
            received_on=date(2025, 5, 3),
            amount=amount,
            campaign=campaign,
        )
    from nhandao.relief.figures import campaign_figures, received_by_part
    from nhandao.relief.figures import received_totals as totals

    assert totals(national)["amount"] == 1_230_000
    assert totals(province)["amount"] == 230_000
    assert totals(commune)["by_channel"][0]["amount"] == 30_000
    # the back office's figures are the portal's: one module (decision 0023)
    for campaign in (national, province, commune):
        assert totals(campaign)["amount"] == campaign_figures(campaign).total.received
    # the campaign page's table of parts, rolled up in one query
    assert received_by_part(national) == [(province, 230_000)]
    assert received_by_part(province) == [(commune, 30_000)]


def test_co_organisers_see_the_campaign_and_others_do_not(cast, login):
    campaign = appeal(cast, organisation=cast.front, co_organisers=[cast.hanoi])
    assert Campaign.objects.for_user(cast.hn_viewer).filter(pk=campaign.pk).exists()
    assert not Campaign.objects.for_user(cast.tq_officer).filter(pk=campaign.pk).exists()
    assert login(cast.tq_officer).get(f"/chien-dich/{campaign.pk}/").status_code == 404


def test_a_co_organiser_who_may_edit_is_offered_the_edit_button(cast, login):
    campaign = appeal(cast, organisation=cast.front, co_organisers=[cast.hanoi])
    edit = f"/chien-dich/{campaign.pk}/sua/"
    officer = login(cast.hn_officer)
    assert officer.get(edit).status_code == 200
    assert f'href="{edit}"' in officer.get(f"/chien-dich/{campaign.pk}/").content.decode()
    viewer = login(cast.hn_viewer)
    assert f'href="{edit}"' not in viewer.get(f"/chien-dich/{campaign.pk}/").content.decode()


def test_the_campaign_page_shows_target_and_received_by_channel_and_by_day(cast, login):
    campaign = appeal(cast, status=CampaignStatus.RECEIVING, target_amount=10_000_000)
    donation_actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        channel="cash",
        received_on=date(2024, 9, 9),
        amount=2_500_000,
        campaign=campaign,
    )
    page = login(cast.hn_viewer).get(f"/chien-dich/{campaign.pk}/").content.decode()
    assert 'id="received-total">2.500.000 ₫' in page and "đạt 25,0%" in page
    assert "09/09/2024" in page and "Tiền mặt" in page
    listing = login(cast.hn_viewer).get("/chien-dich/?q=yagi").content.decode()
    assert "Cứu trợ bão Yagi" in listing
    exported = login(cast.hn_viewer).get("/chien-dich/?format=csv").getvalue().decode("utf-8-sig")
    assert "YAGI,Cứu trợ bão Yagi" in exported and "07/12/2024" in exported


def test_creating_a_campaign_through_the_page_needs_edit_rights(cast, login):
    response = login(cast.hn_officer).post("/chien-dich/tao/", form_data())
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="TND-2025")
    assert campaign.status == "draft" and campaign.history.count() == 1
    denied = login(cast.hn_viewer).post("/chien-dich/tao/", form_data(code="X-1"))
    assert denied.status_code == 403 and not Campaign.objects.filter(code="X-1").exists()
    other = login(cast.tq_officer).post("/chien-dich/tao/", form_data(code="X-2"))
    assert "nằm ngoài phạm vi của bạn" in other.content.decode()


def test_the_status_form_refuses_illegal_moves_with_a_message(cast, login):
    campaign = appeal(cast)
    client = login(cast.hn_officer)
    response = client.post(
        f"/chien-dich/{campaign.pk}/tinh-trang/", {"to_status": "closed"}, follow=True
    )
    assert (
        "Không thể chuyển chiến dịch từ “Dự thảo” sang “Đã kết thúc”" in response.content.decode()
    )
    client.post(f"/chien-dich/{campaign.pk}/tinh-trang/", {"to_status": "receiving"})
    campaign.refresh_from_db()
    assert campaign.status == "receiving"


def test_the_api_lists_creates_and_moves_campaigns_within_reach(cast, login):
    client = login(cast.hn_officer)
    created = client.post(
        "/api/campaigns",
        {
            "code": "TNA-2025",
            "name": "Tết Nhân ái 2025",
            "kind": "tet",
            "organisation": "CTD-1",
            "launch_date": "2025-01-05",
            "target_gifts": 5000,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = client.post(
        f"/api/campaigns/{pk}/status", {"to_status": "closed"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "Không thể chuyển" in bad.json()["errors"]["to_status"][0]
    assert (
        client.post(
            f"/api/campaigns/{pk}/status",
            {"to_status": "receiving"},
            content_type="application/json",
        ).json()["status"]
        == "receiving"
    )
    assert [c["code"] for c in client.get("/api/campaigns").json()["items"]] == ["TNA-2025"]
    assert login(cast.tq_officer).get(f"/api/campaigns/{pk}").status_code == 404
    refused = login(cast.tq_officer).post(
        "/api/campaigns",
        {
            "code": "X",
            "name": "x",
            "kind": "tet",
            "organisation": "CTD-1",
            "launch_date": "2025-01-05",
        },
        content_type="application/json",
    )
    assert refused.status_code == 422 and "organisation" in refused.json()["errors"]


def test_a_commune_takes_part_in_the_launched_campaigns_above_it_without_editing_them(
    cast, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    launched = appeal(cast, status=CampaignStatus.RECEIVING)
    draft = appeal(cast, code="NHAP", name="Chiến dịch còn nháp")
    commune = login(cast.ba_dinh_accountant)  # (one test client: login() switches its user)
    listing = commune.get("/chien-dich/").content.decode()
    assert launched.name in listing and draft.name not in listing
    assert commune.get(f"/chien-dich/{launched.pk}/").status_code == 200
    assert commune.get(f"/chien-dich/{launched.pk}/sua/").status_code == 403
    assert commune.get(f"/chien-dich/{draft.pk}/").status_code == 404
    # another province's commune does not see Hà Nội's campaign
    assert login(cast.tq_officer).get(f"/chien-dich/{launched.pk}/").status_code == 404
    # the commune records a donation to it at its own fund; the campaign's total includes it
    response = login(cast.ba_dinh_accountant).post(
        "/ung-ho/them/cash/",
        {
            "organisation": cast.ba_dinh.code,
            "campaign": launched.code,
            "received_on": "10/09/2024",
            "amount": "200000",
            "donor_kind": "anonymous",
            "donor_name": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    donation = launched.donations.get()
    assert donation.organisation == cast.ba_dinh
    page = login(cast.hn_manager).get(f"/chien-dich/{launched.pk}/").content.decode()
    assert "200.000" in page
