"""Pickers instead of codes: no back-office form asks for a code or an id as free text; the
search endpoints behind the pickers fold accents, know the old commune names and stay inside
the user's reach; the obvious defaults are preselected."""

import importlib
import re
from datetime import date
from pathlib import Path

import pytest
from django import forms as django_forms
from django.utils import timezone

from nhandao.beneficiaries import actions as registry
from nhandao.campaigns import actions as campaign_actions
from nhandao.lib.widgets import Picker
from nhandao.orgs.models import AdminMap, AdminUnit

ROOT = Path(__file__).resolve().parent.parent / "nhandao"
# every back-office app with forms (the portal is public, the demo has no pages); a new app
# is walked as soon as it has a forms.py
APPS = sorted(
    p.parent.name for p in ROOT.glob("*/forms.py") if p.parent.name not in ("portal", "demo")
)

# A field whose name says it points at a record (or at a code of one).
REFERENCE = re.compile(
    r"^(organisation|campaign|commune|province|household|person|sponsor|donation|parent|"
    r"new_parent|successor|into|sources|target|target_organisation|decided_by|warehouse|item|"
    r"incident|purpose|co_organisers|survivor|pairs)$|_code$|_id$|^code$"
)
# Codes and numbers the user types because they come from outside the platform or are being
# created: not a record to choose. Each one says why.
TYPED_ON_PURPOSE = {
    ("CampaignForm", "code"): "the new campaign's own code, chosen by whoever creates it",
    ("OrganisationCreateForm", "code"): "the new organisation's own code",
    ("DonationForm", "donor_code"): "the donor's tax number or identity document",
    ("DonorForm", "code"): "the donor's tax number or identity document",
    ("PersonForm", "external_id"): "the person's id in the system a list was imported from",
    # the duplicate review pages render their own choice (a select of A/B, radio buttons of
    # the group's persons: templates/beneficiaries/review_*.html), never this widget
    ("DecisionForm", "survivor"): "chosen by a select in review_pair.html",
    ("GroupMergeForm", "survivor"): "chosen by radio buttons in review_queue.html",
    ("GroupMergeForm", "pairs"): "hidden inputs of the group shown",
    # movements (issue #22): the paper voucher's code, filled in from its QR (the phone's
    # camera opens the redemption page with it) or typed from the paper at a stall
    ("RedeemForm", "code"): "the printed voucher's code, read from its QR",
}
FREE_TEXT = (django_forms.TextInput, django_forms.NumberInput, django_forms.Textarea)


def forms_used_by_views():
    """Every Form class the back office's views and API endpoints name (`forms.X`)."""
    found = {}
    for app in APPS:
        sources = [ROOT / app / "views.py", ROOT / app / "api.py"]
        sources += sorted((ROOT / app / "api").glob("*.py"))
        module = importlib.import_module(f"nhandao.{app}.forms")
        for source in sources:
            if not source.exists():
                continue
            for name in re.findall(r"\bforms\.([A-Z]\w*Form)\b", source.read_text()):
                found[(app, name)] = getattr(module, name)
    return found


def test_no_back_office_form_asks_for_a_code_or_an_id_as_free_text():
    used = forms_used_by_views()
    assert {"donations", "beneficiaries", "relief", "campaigns", "orgs"} <= set(APPS)
    assert len(used) > 25  # the walk sees the forms (a broken regex would see none)
    offenders = []
    for (app, name), form_class in sorted(used.items()):
        for field_name, field in form_class.base_fields.items():
            if (name, field_name) in TYPED_ON_PURPOSE:
                continue
            is_reference = REFERENCE.search(field_name) or isinstance(
                field, django_forms.ModelChoiceField
            )
            label = str(field.label or "")
            if is_reference and isinstance(field.widget, FREE_TEXT):
                offenders.append(f"{app}.{name}.{field_name}: typed as free text")
            if is_reference and re.search(r"\(mã\b|\bmã\)", label, re.I):
                offenders.append(f"{app}.{name}.{field_name}: label asks for a code ({label})")
    assert offenders == []


def test_the_walk_would_catch_a_code_typed_by_hand():
    class Sneaky(django_forms.Form):
        commune_code = django_forms.CharField(label="Mã xã")

    field = Sneaky.base_fields["commune_code"]
    assert REFERENCE.search("commune_code") and isinstance(field.widget, FREE_TEXT)


def results(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.json()["results"]


def test_communes_are_found_without_accents_and_by_the_names_they_had_before_2025(cast, login):
    client = login(cast.ba_dinh_officer)
    found = results(client, "/tra-cuu/xa-phuong?q=ba+dinh")
    assert found[0]["text"].startswith("Phường Ba Đình") and found[0]["value"] == "4"
    # Quán Thánh was merged into Ba Đình on 1 July 2025: its old name finds the new ward
    old = AdminUnit.objects.get(map=AdminMap.OLD, level="commune", code="13")
    found = results(client, "/tra-cuu/xa-phuong?q=" + old.name.replace(" ", "+"))
    ba_dinh = next(r for r in found if r["value"] == "4")
    assert old.name in ba_dinh["hint"] and "Trước 01/07/2025" in ba_dinh["hint"]
    assert len(results(client, "/tra-cuu/xa-phuong?q=phuong")) == 20


def test_organisations_offered_are_those_where_the_user_has_the_permission(cast, login):
    client = login(cast.ba_dinh_accountant)
    codes = {r["value"] for r in results(client, "/tra-cuu/to-chuc?quyen=money&q=hoi")}
    assert "CTD-X4" in codes and not codes & {"CTD-1", "CTD-8", "CTD-X8"}
    codes = {r["value"] for r in results(client, "/tra-cuu/to-chuc?quyen=money&q=ngoc+ha")}
    assert codes == set()
    # a search by code still works (the value the API takes)
    assert [r["value"] for r in results(client, "/tra-cuu/to-chuc?quyen=money&q=ctd-x4")] == [
        "CTD-X4"
    ]


def test_anonymous_visitors_get_no_picker_answers(client):
    assert client.get("/tra-cuu/to-chuc?q=hoi").status_code == 302
    assert client.get("/tra-cuu/nguoi?q=nguyen").status_code == 302


def test_persons_and_households_are_searched_within_reach(cast, login):
    def add(org, name, commune):
        return registry.create_person(
            cast.root,
            organisation=org,
            full_name=name,
            commune=commune,
            household=None,
        )

    ba_dinh_unit = cast.ba_dinh.admin_unit
    mine = add(cast.ba_dinh, "Đặng Thị Lựu", ba_dinh_unit)
    theirs = add(cast.ngoc_ha, "Đặng Văn Lựu", cast.ngoc_ha.admin_unit)
    found = results(login(cast.ba_dinh_officer), "/tra-cuu/nguoi?q=dang+luu")
    assert [r["value"] for r in found] == [str(mine.pk)]
    found = results(login(cast.hn_officer), "/tra-cuu/nguoi?q=DANG+LUU")
    assert {r["value"] for r in found} == {str(mine.pk), str(theirs.pk)}


def test_the_donation_form_preselects_the_organisation_the_open_campaign_and_today(cast, login):
    campaign_actions.create_campaign(
        cast.root,
        code="TND-HN",
        name="Tháng Nhân đạo Hà Nội",
        kind="humanitarian_month",
        organisation=cast.hanoi,
        launch_date=date(2024, 5, 1),
        status="receiving",
    )
    page = login(cast.ba_dinh_accountant).get("/ung-ho/them/cash/").content.decode()
    assert re.search(r'<select name="organisation"[^>]*data-picker', page)
    assert re.search(r'<option value="CTD-X4"[^>]*selected', page)
    assert re.search(r'<option value="TND-HN"[^>]*selected', page)
    assert f'value="{timezone.localdate():%d/%m/%Y}"' in page
    assert "tom-select.complete.min.js" in page and "js/picker.js" in page


def test_a_draft_campaign_is_not_offered_for_donations_but_found_in_the_api_scope(cast, login):
    campaign_actions.create_campaign(
        cast.root,
        code="TET-HN",
        name="Tết Nhân ái Hà Nội",
        kind="humanitarian_month",
        organisation=cast.hanoi,
        launch_date=date(2030, 1, 1),
    )
    page = login(cast.hn_accountant).get("/ung-ho/them/cash/").content.decode()
    assert 'value="TET-HN"' not in page
    found = results(login(cast.hn_accountant), "/tra-cuu/chien-dich?q=tet")
    assert [r["value"] for r in found] == ["TET-HN"]
    assert results(login(cast.hn_accountant), "/tra-cuu/chien-dich?pham-vi=tiep-nhan&q=tet") == []


def test_a_commune_officer_gets_their_commune_preselected_on_a_new_household(cast, login):
    page = login(cast.ba_dinh_officer).get("/ho-gia-dinh/them/").content.decode()
    assert re.search(r'<select name="commune_code"[^>]*data-picker', page)
    assert re.search(r'<option value="4"[^>]*selected', page)


def test_a_picker_without_choices_renders_the_chosen_value_only_if_in_reach(cast):
    widget = Picker(url="/x")
    widget.labels = lambda value: "Ba Đình" if value == "4" else None
    html = widget.render("commune_code", "4")
    option = re.search(r'<option value="4"([^>]*)>Ba Đình</option>', html)
    assert option and "selected" in option.group(1) and 'data-fold="ba dinh 4"' in option.group(1)
    assert "<option" not in widget.render("commune_code", "99").replace('<option value=""', "")
    assert isinstance(widget, django_forms.Select)


@pytest.mark.parametrize("query", ["ba đình", "BA ĐÌNH", "Ba Ðình"])
def test_the_commune_search_folds_every_way_of_writing_the_name(cast, login, query):
    found = results(login(cast.ba_dinh_officer), "/tra-cuu/xa-phuong?q=" + query)
    assert any(r["value"] == "4" for r in found)


def test_the_left_behind_page_opens_on_the_officers_province_and_commune(cast, login):
    page = login(cast.ba_dinh_officer).get("/cuu-tro/bao-phu/").content.decode()
    province = page[page.index('name="province"') :]
    assert re.search(r'<option value="1"[^>]*selected', province[: province.index("</select>")])
    commune = page[page.index('name="commune"') :]
    assert re.search(r'<option value="4"[^>]*selected', commune[: commune.index("</select>")])
