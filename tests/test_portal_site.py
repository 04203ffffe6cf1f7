"""The public site: campaign list and page (both sides of the money, reconciliation, no
drafts, no personal data), caching for anonymous visitors, the donor self-check, rate
limits with a Vietnamese 429, and the way to receipt verification."""

from datetime import date

import pytest
from django.urls import reverse

from nhandao.audit import ledger
from nhandao.donations import actions
from nhandao.donations.models import Channel, Donation, Donor, StatementLine
from tests import test_portal_common as common

# the shared fixtures
draft, fresh_cache, statements, vcb, yagi = (
    common.draft,
    common.fresh_cache,
    common.statements,
    common.vcb,
    common.yagi,
)

pytestmark = pytest.mark.django_db


def page(client, url_name, *args, **params):
    response = client.get(reverse(url_name, args=args), params)
    return response, response.content.decode()


def test_the_list_shows_public_campaigns_only_with_their_totals(client, statements, draft, yagi):
    response, body = page(client, "portal_home")
    assert response.status_code == 200
    assert yagi.name in body and "Chiến dịch nháp" not in body
    total = sum(Donation.objects.filter(campaign=yagi).values_list("amount", flat=True))
    assert f"{total:,} ₫".replace(",", ".") in body


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"loai": "appeal"}, True),
        ({"loai": "tet"}, False),
        ({"nam": "2024"}, True),
        ({"nam": "2023"}, False),
        ({"tinh_trang": "receiving"}, True),
        ({"tinh_trang": "closed"}, False),
        ({"tinh": "1"}, False),  # the organiser (MTTQ central) is in no province
    ],
)
def test_the_list_filters_by_kind_year_status_and_province(client, yagi, params, shown):
    _, body = page(client, "portal_home", **params)
    assert (yagi.name in body) is shown


def test_bad_filters_are_ignored_with_a_message(client, yagi):
    response, body = page(client, "portal_home", loai="<x>", nam="99999", tinh="abc")
    assert response.status_code == 200
    assert "Loại chiến dịch không hợp lệ" in body and "Năm không hợp lệ" in body
    assert yagi.name in body


def test_a_draft_campaign_page_does_not_exist_publicly(client, draft):
    response, body = page(client, "portal_campaign", draft.code)
    assert response.status_code == 404


def test_the_campaign_page_shows_both_sides_of_the_money_and_reconciles(client, statements, yagi):
    response, body = page(client, "portal_campaign", yagi.code)
    assert response.status_code == 200
    total = sum(Donation.objects.filter(campaign=yagi).values_list("amount", flat=True))
    money = f"{total:,} ₫".replace(",", ".")
    assert (
        f"Đã nhận {money} = đã chi 0 ₫ + đã phân phối 0 ₫ + còn trong kho 0 ₫ + số dư {money}"
        in body
    )
    assert "✓ khớp" in body
    assert "Chưa có khoản phân bổ, phân phối nào được ghi nhận" in body
    assert "<svg" in body and "<rect" in body  # the chart, drawn on the server
    assert "0011001932418" in body and "data:image/svg+xml" in body  # account + VietQR
    assert "YAGI" in body  # the transfer memo
    assert "Ủy ban Trung ương MTTQ Việt Nam" in body


def test_money_sent_down_a_level_shows_as_allocated_by_province(client, cast, statements, yagi):
    source = ledger.account_for(cast.front, yagi)
    target = ledger.account_for(cast.hanoi, yagi)
    ledger.transfer(source, target, 1_000_000, booked_on=date(2024, 9, 15), memo="Phân bổ")
    ledger.post(target, -400_000, booked_on=date(2024, 9, 16), kind="spend", memo="Mua gạo")
    _, body = page(client, "portal_campaign", yagi.code)
    assert "Phân bổ theo tỉnh" in body and "Hà Nội" in body
    assert "1.000.000 ₫" in body  # allocated to Hanoi
    assert "400.000 ₫" in body  # spent
    assert "✓ khớp" in body


def test_a_register_that_disagrees_with_the_ledger_shows_the_difference(
    client, cast, statements, yagi
):
    from django.db.models import F

    from nhandao.donations.models import DonationTotal

    # the register's totals (what the figures read) say 5,000 đ more than the ledger holds
    total = DonationTotal.objects.filter(campaign=yagi).first()
    DonationTotal.objects.filter(pk=total.pk).update(amount=F("amount") + 5000)
    _, body = page(client, "portal_campaign", yagi.code)
    assert "chênh lệch 5.000 ₫" in body


def test_donors_names_of_cash_gifts_and_beneficiaries_never_appear(client, cast, yagi):
    donor = Donor.objects.create(
        organisation=cast.front, name="Phạm Bí Mật", name_key="pham bi mat"
    )
    actions.record_donation(
        cast.root,
        organisation=cast.front,
        channel=Channel.CASH,
        received_on=date(2024, 9, 5),
        amount=2_000_000,
        campaign=yagi,
        donor=donor,
    )
    _, body = page(client, "portal_campaign", yagi.code)
    assert "2.000.000 ₫" in body and "Phạm Bí Mật" not in body


def test_anonymous_visitors_get_a_cached_page(client, statements, yagi):
    first, _ = page(client, "portal_campaign", yagi.code)
    StatementLine.objects.none()  # nothing changes; the second answer comes from the cache
    second, _ = page(client, "portal_campaign", yagi.code)
    assert "X-Cache" not in first and second["X-Cache"] == "hit"
    assert first.content == second.content


def test_logged_in_users_are_not_served_the_anonymous_cache(client, cast, yagi):
    page(client, "portal_campaign", yagi.code)
    client.force_login(cast.hn_viewer)
    response, body = page(client, "portal_campaign", yagi.code)
    assert "X-Cache" not in response and "hn_viewer" in body


def test_pages_work_without_javascript_and_fit_a_phone(client, statements, yagi):
    for name, args in (
        ("portal_home", ()),
        ("portal_campaign", (yagi.code,)),
        ("portal_search", ()),
        ("portal_check", ()),
    ):
        _, body = page(client, name, *args)
        assert "<script" not in body
        assert 'name="viewport" content="width=device-width' in body


def test_the_public_nav_link_is_there_for_everyone(client, cast):
    _, body = page(client, "login")
    assert f'href="{reverse("portal_home")}">Công khai</a>' in body


# --- self-check ----------------------------------------------------------------------------


def test_self_check_by_reference_shows_the_line_campaign_and_use_of_money(client, statements, yagi):
    response, body = page(client, "portal_check", ref="9001.10004")
    assert response.status_code == 200
    assert "Lê Văn Bình" in body and "12/09/2024" in body and "1.500.000 ₫" in body
    assert f'Tiền của chiến dịch “<a href="{reverse("portal_campaign", args=[yagi.code])}">' in body
    assert "đã phân bổ xuống cấp dưới hoặc đã chi" in body


def test_self_check_by_amount_day_and_part_of_the_name(client, statements):
    _, body = page(client, "portal_check", amount="300.000", day="11/09/2024", name="duc")
    assert "Trần Minh Đức" in body
    _, body = page(client, "portal_check", amount="300.000", day="11/09/2024", name="hoa")
    assert "Trần Minh Đức" not in body and "Không tìm thấy dòng sao kê nào khớp" in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"amount": "300000"}, "còn thiếu: ngày chuyển, một phần tên"),
        ({"ref": "123"}, "Số tham chiếu cần ít nhất 6 ký tự."),
        ({"amount": "1", "day": "32/13/2024", "name": "an"}, "Ngày không hợp lệ"),
        ({"amount": "1", "day": "01/09/2024", "name": "a"}, "Phần tên quá ngắn"),
    ],
)
def test_self_check_bad_input_is_explained(client, statements, params, message):
    response, body = page(client, "portal_check", **params)
    assert response.status_code == 200 and message in body


def test_the_self_check_api(client, statements, yagi):
    data = client.get("/api/public/self-check", {"ref": "9001.10004"}).json()
    assert [line["amount"] for line in data["lines"]] == [1_500_000]
    assert data["uses"][0]["campaign"] == yagi.code and data["uses"][0]["reconciled"]
    bad = client.get("/api/public/self-check", {"amount": "5"})
    assert bad.status_code == 422 and "còn thiếu" in bad.json()["errors"]["__all__"][0]


def test_the_campaigns_api(client, statements, yagi, draft):
    listed = client.get("/api/public/campaigns").json()
    assert [c["code"] for c in listed] == [yagi.code]
    detail = client.get(f"/api/public/campaigns/{yagi.code}").json()
    assert detail["reconciled"] and detail["received"] == detail["balance"] > 0
    assert client.get(f"/api/public/campaigns/{draft.code}").status_code == 404


# --- rate limits ---------------------------------------------------------------------------


def test_search_is_rate_limited_per_client_with_a_vietnamese_429(client, statements, monkeypatch):
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "search=3/60")
    url = reverse("portal_search")
    codes = [client.get(url, {"q": "nguyen"}, REMOTE_ADDR="10.0.0.1").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get(url, {"q": "nguyen"}, REMOTE_ADDR="10.0.0.1")
    assert "Bạn đã tra cứu quá nhiều lần" in limited.content.decode()
    assert int(limited["Retry-After"]) > 0
    other = client.get(url, {"q": "nguyen"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200


def test_the_api_shares_the_limit_and_answers_429_in_json(client, statements, monkeypatch):
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "search=2/60,check=1/60")
    for _ in range(2):
        assert client.get("/api/public/search", {"q": "nguyen"}).status_code == 200
    response = client.get("/api/public/search", {"q": "nguyen"})
    assert response.status_code == 429
    assert "quá nhiều lần" in response.json()["detail"]
    assert client.get("/api/public/self-check", {"ref": "9001.10004"}).status_code == 200
    assert client.get("/api/public/self-check", {"ref": "9001.10004"}).status_code == 429


# --- receipts ------------------------------------------------------------------------------


def test_a_receipt_code_leads_to_the_verification_page(client, cast, statements):
    from nhandao.donations import receipts

    donation = Donation.objects.first()
    receipt = receipts.issue(cast.root, donation)
    response = client.get(reverse("portal_receipt"), {"ma": receipt.code})
    assert response.status_code == 302 and response["Location"].endswith(f"/verify/{receipt.code}")
    followed = client.get(response["Location"])
    assert followed.status_code == 200 and "Biên nhận hợp lệ" in followed.content.decode()


def test_a_malformed_receipt_code_is_refused_with_a_message(client):
    response, body = page(client, "portal_receipt", ma="<script>alert(1)</script>")
    assert response.status_code == 200 and "Mã biên nhận chỉ gồm" in body
