# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""One refusal (lib.errors.Refused): the API answers it 422 in the project's error shape, a
page shows it on the field it names (or as a message), whatever app raised it."""

from datetime import date

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from nhandao.audit.models import LedgerEntry
from nhandao.lib.errors import NeedsConfirmation, Refused
from nhandao.lib.views import show_refused
from nhandao.relief import actions
from nhandao.relief.models import Allocation, AllocationStatus
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    allocate,
    earlier_support,
    funded,
    hanoi_round,
    household,
    make_campaign,
    unit,
    yagi,
)

OVER = {
    "organisation": "CTD-TW",
    "target_organisation": "CTD-1",
    "amount": 99_000_000,
    "decision_no": "16/QĐ",
}


def test_the_api_answers_a_refused_rule_with_422_the_reason_and_its_field(cast, login, funded):
    response = login(cast.tw_manager).post(
        "/api/relief/allocations",
        {**OVER, "campaign": funded.code, "decision_date": "2024-09-15"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("Vượt số dư: quỹ “Trung ương Hội Chữ thập đỏ Việt Nam")
    assert body["detail"].endswith("còn 10.000.000 ₫, không thể phân bổ 99.000.000 ₫.")
    assert body == {"detail": body["detail"], "errors": {"amount": [body["detail"]]}}
    assert not Allocation.objects.exists()


def test_a_refusal_from_another_app_has_the_same_code_and_shape(cast, login):
    campaign = make_campaign(cast.root, cast.central)  # receiving donations
    response = login(cast.tw_manager).post(
        f"/api/campaigns/{campaign.pk}/status",
        {"to_status": "closed"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Không thể chuyển chiến dịch từ “Đang tiếp nhận” sang “Đã kết thúc”."
    assert body["errors"] == {"to_status": [body["detail"]]}
    campaign.refresh_from_db()
    assert campaign.status == "receiving"


def test_a_refusal_that_a_manager_can_lift_answers_409_and_names_what_to_send(cast, login, funded):
    allocate(cast, funded, cast.hanoi, 5_000_000)
    home = household(cast, unit("4"), cast.ba_dinh, "Nguyễn Thị Hoa")
    earlier_support(cast, home, day=date(2024, 9, 12))
    rnd = hanoi_round(cast, funded)
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", home, None, 1_000_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    entries = LedgerEntry.objects.count()
    url = f"/api/relief/lines/{rnd.lines.get().pk}/confirm"
    conflict = login(cast.hn_manager).post(
        url, {"method": "signature"}, content_type="application/json"
    )
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["detail"].startswith("Cảnh báo trùng: “Nguyễn Thị Hoa” đã nhận")
    assert body["errors"] == {"override_reason": [body["detail"]]}
    assert body["overlaps"][0]["value"] == 300_000
    assert LedgerEntry.objects.count() == entries
    done = login(cast.hn_manager).post(
        url,
        {"method": "signature", "override_reason": "Nhà bị sập hoàn toàn"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "received"


def test_a_page_shows_a_refusal_on_the_field_it_names(cast, login, funded):
    response = login(cast.tw_manager).post(
        reverse("relief_allocation_create"),
        {**OVER, "campaign": funded.code, "decision_date": "15/09/2024"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["amount"][0].startswith("Vượt số dư")
    assert not form.non_field_errors()
    assert not Allocation.objects.exists()


def test_a_page_without_a_form_shows_a_refusal_as_a_message(cast, login, funded):
    allocation = actions.propose_allocation(
        cast.root,
        organisation=cast.central,
        campaign=funded,
        amount=1_000_000,
        decision_no="17/QĐ",
        decision_date=DAY,
        target_organisation=cast.hanoi,
    )
    url = reverse("relief_allocation_decide", args=[allocation.pk, "tu-choi"])
    page = login(cast.tw_manager).post(url, {"note": " "}, follow=True)
    assert "Cần ghi lý do từ chối." in page.content.decode()
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED


class AmountForm(forms.Form):
    amount = forms.IntegerField()


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_show_refused_puts_each_reason_where_the_user_looks():
    named = AmountForm({"amount": "5"})
    assert named.is_valid()
    show_refused(_request(), Refused("Vượt số dư.", field="amount"), named)
    assert named.errors == {"amount": ["Vượt số dư."]}

    elsewhere = AmountForm({"amount": "5"})
    assert elsewhere.is_valid()
    show_refused(_request(), Refused("Dòng 2: sai.\nDòng 3: sai.", field="file"), elsewhere)
    assert elsewhere.non_field_errors() == ["Dòng 2: sai.", "Dòng 3: sai."]

    request = _request()
    show_refused(request, Refused("Cần ghi lý do từ chối.", field="note"))
    show_refused(request, NeedsConfirmation("Cảnh báo trùng.", field="override_reason"))
    shown = [(m.level_tag, m.message) for m in get_messages(request)]
    assert shown == [("error", "Cần ghi lý do từ chối."), ("warning", "Cảnh báo trùng.")]
