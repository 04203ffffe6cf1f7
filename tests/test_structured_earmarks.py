# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Structured earmarks (issue #22 item 6, decision 0025): a donation earmarked for a
household or person chosen from the registry, a purpose from the list, an incident or a unit
of either map; spending checked against the record, not a name."""

import pytest

from nhandao.beneficiaries import actions as registry
from nhandao.donations import actions as donation_actions
from nhandao.donations.models import DonationRefused, EarmarkPurpose
from nhandao.relief import actions
from nhandao.relief.rules import ReliefError
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    balance,
    hanoi_round,
    household,
    unit,
    yagi,
)
from tests.test_relief_fixtures import donate as _donate


def donate(cast, org, campaign, amount, **earmark):
    return donation_actions.record_donation(
        cast.root, organisation=org, campaign=campaign, channel="transfer", received_on=DAY,
        amount=amount, donor_name="Nhà hảo tâm", **earmark,
    )  # fmt: skip


@pytest.fixture
def twins(cast):
    """Two households whose heads share a name: a name earmark cannot tell them apart."""
    ba_dinh = unit("4")
    return [household(cast, ba_dinh, cast.ba_dinh, "Nguyễn Thị Hoa") for _ in range(2)]


def test_a_household_earmark_pays_that_household_not_its_namesake(cast, yagi, twins):
    donation = donate(cast, cast.hanoi, yagi, 2_000_000, earmark_household=twins[0])
    key = f"household:{twins[0].pk}"
    assert donation.earmark_kind == "household" and donation.ledger_entry.account.earmark == key
    assert "Nguyễn" not in donation.ledger_entry.account.earmark_label  # published ledgers
    rnd = hanoi_round(cast, yagi, name="Chuyển tiền chỉ định", earmark=key)
    with pytest.raises(ReliefError, match="chỉ được cấp cho đúng hộ gia đình đó"):
        actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", twins[1], None, 100_000, None)])
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", twins[0], None, 2_000_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    actions.confirm_line(cast.hn_officer, rnd.lines.get(), method="signature")
    assert balance(cast.hanoi, yagi, key) == 0


def test_a_person_earmark_pays_that_person_only(cast, yagi):
    a = registry.create_person(cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Lê Na")
    b = registry.create_person(cast.ba_dinh_officer, organisation=cast.ba_dinh, full_name="Lê Na")
    donate(cast, cast.hanoi, yagi, 1_000_000, earmark_person=a)
    rnd = hanoi_round(cast, yagi, name="Chi chỉ định", earmark=f"person:{a.pk}")
    with pytest.raises(ReliefError, match="chỉ được cấp cho đúng người đó"):
        actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", None, b, 100_000, None)])
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", None, a, 1_000_000, None)])


def test_an_earmark_to_a_household_out_of_reach_is_refused_and_nothing_is_written(cast, yagi):
    from nhandao.donations.models import Donation

    far = household(cast, unit("4"), cast.ba_dinh, "Phạm Văn Xa")
    with pytest.raises(DonationRefused, match="không thuộc phạm vi quản lý của bạn"):
        donation_actions.record_donation(
            cast.tq_officer, organisation=cast.tuyen_quang, campaign=None, channel="cash",
            received_on=DAY, amount=100_000, donor_name="A", earmark_household=far,
        )  # fmt: skip
    assert not Donation.objects.filter(earmark_household=far).exists()


def test_an_incident_earmark_is_spent_only_on_that_incident(cast, yagi):
    flood = actions.create_incident(
        cast.root, organisation=cast.hanoi, kind="flood", name="Lũ sông Hồng", start=DAY
    )
    other = actions.create_incident(
        cast.root, organisation=cast.hanoi, kind="flood", name="Ngập phố", start=DAY
    )
    donate(cast, cast.hanoi, yagi, 1_000_000, earmark_incident=flood)
    key = f"incident:{flood.pk}"
    rnd = hanoi_round(cast, yagi, name="Hỗ trợ", earmark=key, incident=other)
    home = household(cast, unit("4"), cast.ba_dinh, "Đỗ Văn Lũ")
    with pytest.raises(ReliefError, match="sự cố “Lũ sông Hồng” chỉ được chi"):
        actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", home, None, 100_000, None)])
    right = hanoi_round(cast, yagi, name="Hỗ trợ lũ", earmark=key, incident=flood)
    actions.add_lines(cast.hn_officer, right, [("Dòng 1", home, None, 100_000, None)])


def test_purposes_are_a_list_and_a_unit_earmark_names_its_map(cast, yagi):
    houses = EarmarkPurpose.objects.get(name="Xây nhà nhân đạo")
    donation = donate(cast, cast.hanoi, yagi, 500_000, earmark_purpose=houses)
    assert donation.ledger_entry.account.earmark == "purpose:xay nha nhan dao"
    ba_dinh = unit("4")
    donation = donate(cast, cast.hanoi, yagi, 500_000, earmark_unit=ba_dinh)
    assert donation.ledger_entry.account.earmark == f"unit:{ba_dinh.map}:{ba_dinh.code}"
    assert donation.earmark_ref == ba_dinh.name
    with pytest.raises(DonationRefused, match="một chỉ định"):
        donate(cast, cast.hanoi, yagi, 1, earmark_unit=ba_dinh, earmark_purpose=houses)


def test_a_free_text_earmark_of_before_keeps_its_text(cast, yagi):
    donation = _donate(cast.hanoi, yagi, 300_000, earmark_kind="purpose", earmark_ref="xây nhà")
    assert donation.earmark_ref == "xây nhà" and donation.earmark_purpose is None


def test_the_api_earmarks_a_household_in_reach_and_refuses_one_out_of_reach(cast, login):
    from nhandao.donations.models import Donation

    near = household(cast, unit("4"), cast.ba_dinh, "Vũ Thị Gần")
    client = login(cast.hn_accountant)
    body = {"channel": "cash", "organisation": "CTD-1", "received_on": "2024-09-10",
            "amount": 200000, "donor_kind": "anonymous"}  # fmt: skip
    ok = client.post(
        "/api/donations", {**body, "earmark_household": near.pk}, content_type="application/json"
    )
    assert ok.status_code == 201
    donation = Donation.objects.get(pk=ok.json()["id"])
    assert donation.earmark_household == near and donation.earmark_kind == "household"
    far = household(cast, unit("4"), cast.tuyen_quang, "Vũ Văn Xa")  # Tuyên Quang's record
    bad = client.post(
        "/api/donations", {**body, "earmark_household": far.pk}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["errors"]["earmark_household"] == [
        "Hộ gia đình được chỉ định không thuộc phạm vi quản lý của bạn."
    ]
    assert Donation.objects.count() == 1


def test_the_public_campaign_page_shows_earmarked_money_and_where_it_went(
    cast, yagi, twins, client
):
    key = f"household:{twins[0].pk}"
    donate(cast, cast.hanoi, yagi, 2_000_000, earmark_household=twins[0])
    rnd = hanoi_round(cast, yagi, name="Chuyển tiền chỉ định", earmark=key)
    actions.add_lines(cast.hn_officer, rnd, [("Dòng 1", twins[0], None, 1_500_000, None)])
    actions.set_round_status(cast.hn_officer, rnd, "open")
    actions.confirm_line(cast.hn_officer, rnd.lines.get(), method="signature")
    html = client.get(f"/cong-khai/chien-dich/{yagi.code}/").content.decode()
    table = html[html.index('id="earmarked"') :]
    row = table[table.index(f"Hộ gia đình số {twins[0].pk}") :][:400]
    assert "2.000.000 ₫" in row and "1.500.000 ₫" in row and "500.000 ₫" in row
    assert "Nguyễn Thị Hoa" not in table[: table.index("</table>")]


def test_the_form_and_api_earmark_a_unit_or_an_incident_chosen_never_typed(cast, login):
    from datetime import date

    from nhandao.donations.forms import DonationForm
    from nhandao.donations.models import Donation
    from nhandao.relief.models import Incident

    flood = Incident.objects.create(organisation=cast.hanoi, kind="flood", name="Lũ sông Hồng",
                                    start=date(2024, 9, 8))  # fmt: skip
    elsewhere = Incident.objects.create(organisation=cast.tuyen_quang, kind="flood",
                                        name="Lũ Tuyên Quang", start=date(2024, 9, 8))  # fmt: skip
    form = DonationForm(actor=cast.hn_accountant, channel="cash")
    assert list(form.fields["earmark_incident"].queryset) == [flood]  # within reach only
    client = login(cast.hn_accountant)
    body = {"channel": "cash", "organisation": "CTD-1", "received_on": "2024-09-10",
            "amount": 200000, "donor_kind": "anonymous"}  # fmt: skip

    def post(**earmark):
        return client.post("/api/donations", {**body, **earmark}, content_type="application/json")

    ba_dinh = unit("4")
    ok = post(earmark_unit=ba_dinh.code)
    assert ok.status_code == 201, ok.json()
    donation = Donation.objects.get(pk=ok.json()["id"])
    assert (donation.earmark_unit, donation.earmark_kind) == (ba_dinh, "unit")
    ok = post(earmark_incident=flood.pk)
    assert ok.status_code == 201
    assert Donation.objects.get(pk=ok.json()["id"]).earmark_incident == flood
    assert post(earmark_unit="99999").json()["errors"]["earmark_unit"] == [
        "Không có đơn vị hành chính mã “99999” trên bản đồ hiện hành."
    ]
    assert "earmark_incident" in post(earmark_incident=elsewhere.pk).json()["errors"]
    both = post(earmark_unit=ba_dinh.code, earmark_incident=flood.pk)
    assert both.status_code == 422
    assert both.json()["errors"]["earmark_incident"] == [
        "Mỗi khoản ủng hộ chỉ có một chỉ định sử dụng; hãy bỏ bớt."
    ]
    assert Donation.objects.count() == 2
