"""The registry: names normalised, identity numbers checked, old addresses converted,
visibility between organisations, sensitive reads logged."""

from datetime import date

import pytest

from nhandao.beneficiaries import actions, identity, lookups
from nhandao.beneficiaries.forms import PersonForm
from nhandao.beneficiaries.models import Person, SensitiveRead, SupportKind
from nhandao.orgs.models import AdminMap, AdminUnit


def commune(code):
    return AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code=code)


def make_person(actor, org, name, code="4", **extra):
    fields = {"organisation": org, "full_name": name, "commune": commune(code)}
    fields.update(extra)
    return actions.create_person(actor, **fields)


# ---- normalisation ----


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("Nguyễn Thị Hoa", ("nguyen", "thi", "hoa")),
        ("NGUYEN THI HOA", ("nguyen", "thi", "hoa")),
        ("  nguyễn   thị  hoa ", ("nguyen", "thi", "hoa")),
        ("Đặng Văn Đức", ("dang", "van", "duc")),
        ("đặng văn đức", ("dang", "van", "duc")),
        ("Nguyễn Hoa", ("nguyen", "", "hoa")),
        ("Tôn Nữ Thị Minh Châu", ("ton", "nu thi minh", "chau")),
        ("Hoa Nguyen", ("nguyen", "", "hoa")),  # typed in Western order
    ],
)
def test_names_are_split_into_folded_family_middle_and_given_names(typed, parts):
    got = identity.split_name(typed)
    assert (got.family, got.middle, got.given) == parts


def test_a_name_typed_in_capitals_is_kept_in_title_case_and_tones_are_kept():
    assert identity.clean_full_name("NGUYỄN THỊ HOA") == "Nguyễn Thị Hoa"
    assert identity.clean_full_name("Nguyễn  Thị Hoa") == "Nguyễn Thị Hoa"


def test_a_saved_person_carries_the_normalised_parts(cast):
    person = make_person(cast.ba_dinh_officer, cast.ba_dinh, "ĐỖ  THỊ  HƯƠNG")
    person.refresh_from_db()
    assert person.full_name == "Đỗ Thị Hương"
    assert (person.family_name, person.middle_name, person.given_name) == ("do", "thi", "huong")
    assert person.name_key == "do thi huong"


# ---- CCCD ----


@pytest.mark.django_db
def test_a_well_formed_cccd_is_accepted():
    # 001 = Hà Nội, 0 = man born 1900–1999, 85 = 1985
    assert identity.check_id_number("001 085 012345", "male", 1985) == "001085012345"
    # 3 = woman born 2000–2099
    assert identity.check_id_number("001305012345", "female", 2005) == "001305012345"
    assert identity.check_id_number("012345678") == "012345678"  # old 9-digit CMND


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "sex", "year", "message"),
    [
        ("00108501234", "male", 1985, "CCCD gồm 12 chữ số"),
        ("999085012345", "male", 1985, "không phải mã tỉnh/thành"),
        ("001085012345", "female", 1985, "không khớp giới tính"),
        ("001086012345", "male", 1985, "không khớp năm sinh 1985"),
        ("001285012345", "male", 1985, "không khớp thế kỷ sinh"),
        ("00108501234a", "male", 1985, "không hợp lệ"),
    ],
)
def test_a_malformed_cccd_is_refused_with_its_reason(number, sex, year, message):
    with pytest.raises(ValueError, match=message):
        identity.check_id_number(number, sex, year)


def test_impossible_birth_dates_are_refused():
    with pytest.raises(ValueError, match="không có thật"):
        identity.parse_birth("31/02/1980")
    with pytest.raises(ValueError, match="không hợp lệ"):
        identity.parse_birth("01/01/2999")
    assert identity.parse_birth("1950") == (None, 1950)
    assert identity.parse_birth("05/03/1950") == (date(1950, 3, 5), 1950)


# ---- the entry form ----


def form(actor, **data):
    base = {
        "organisation": "CTD-X4",
        "full_name": "Nguyễn Thị Hoa",
        "sex": "female",
        "birth": "1985",
        "commune_code": "4",
    }
    base.update(data)
    return PersonForm(base, actor=actor)


def test_an_old_map_commune_is_accepted_converted_and_warned(cast):
    f = form(cast.ba_dinh_officer, commune_code="13", commune_map="")  # Quán Thánh (old)
    assert f.is_valid(), f.errors
    assert f.cleaned_data["commune"].name == "Phường Ba Đình"
    assert f.cleaned_data["old_commune"].name == "Phường Quán Thánh"
    assert "mã cũ" in f.warnings[0] and "Phường Ba Đình" in f.warnings[0]


def test_a_split_old_commune_warns_that_the_new_one_must_be_checked(cast):
    f = form(cast.ba_dinh_officer, commune_code="16")  # Ngọc Hà (old), split in 2025
    assert f.is_valid(), f.errors
    assert "đã tách" in f.warnings[0]


def test_an_unknown_commune_code_is_refused(cast):
    f = form(cast.ba_dinh_officer, commune_code="999999")
    assert not f.is_valid()
    assert "không có trên bản đồ cũ lẫn bản đồ mới" in f.errors["commune_code"][0]


def test_the_form_refuses_a_cccd_that_contradicts_sex_and_writes_nothing(cast):
    f = form(cast.ba_dinh_officer, id_number="001085012345")  # a man's number, a woman
    assert not f.is_valid()
    assert "không khớp giới tính" in f.errors["id_number"][0]
    assert Person.objects.count() == 0


def test_an_organisation_outside_the_users_reach_is_refused(cast):
    f = form(cast.ngoc_ha_officer, organisation="CTD-X4")
    assert not f.is_valid()
    assert "ngoài phạm vi" in f.errors["organisation"][0]


def test_a_valid_entry_creates_a_person_with_an_audit_event(cast):
    f = form(
        cast.ba_dinh_officer,
        id_number="001185012345",
        phone="+84 912 345 678",
        vulnerabilities=["disability"],
        consent_by="Nguyễn Thị Hoa",
        consent_at="01/03/2026",
        consent_purpose="Nhận hỗ trợ Tết",
    )
    assert f.is_valid(), f.errors
    person = actions.create_person(cast.ba_dinh_officer, **f.action_fields())
    assert person.phone == "0912345678"
    assert person.birth_year == 1985 and person.birth_date is None
    from nhandao.audit.models import AuditEvent

    assert AuditEvent.objects.about(person).filter(action="beneficiaries.person_created").exists()


# ---- households ----


def test_a_household_has_a_head_members_and_a_certified_poverty_status(cast):
    household = actions.create_household(
        cast.ba_dinh_officer, organisation=cast.ba_dinh, commune=commune("4"), village="Tổ 5"
    )
    head = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Lê Văn Nam",
        household=household,
        relationship="head",
    )
    child = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Lê Thị Mai",
        household=household,
        relationship="child",
    )
    actions.set_poverty(
        cast.ba_dinh_officer,
        household,
        year=2026,
        status="poor",
        certified_by="UBND Phường Ba Đình",
    )
    household.refresh_from_db()
    assert household.head == head
    assert child.commune == household.commune and child.village == "Tổ 5"
    assert household.current_poverty().get_status_display() == "Hộ nghèo"


# ---- visibility ----


@pytest.fixture
def registry(cast):
    """Hoa is registered by Ba Đình, Lan by Ngọc Hà (a sibling commune), both received help."""
    hoa = make_person(
        cast.ba_dinh_officer,
        cast.ba_dinh,
        "Nguyễn Thị Hoa",
        "4",
        sex="female",
        birth_year=1985,
        id_number="001185012345",
        phone="0912345678",
    )
    lan = make_person(
        cast.ngoc_ha_officer,
        cast.ngoc_ha,
        "Trần Thị Lan",
        "8",
        sex="female",
        birth_year=1970,
        id_number="001170012345",
    )
    # Ngọc Hà also helps someone who lives in Ba Đình
    minh = make_person(
        cast.ngoc_ha_officer,
        cast.ngoc_ha,
        "Phạm Văn Minh",
        "4",
        sex="male",
        birth_year=1960,
        id_number="001060012345",
    )
    actions.record_support(
        cast.ngoc_ha_officer,
        organisation=cast.ngoc_ha,
        person=minh,
        date=date(2026, 1, 20),
        kind=SupportKind.GIFT,
        value=500_000,
    )
    return hoa, lan, minh


def test_an_organisation_sees_its_own_beneficiaries_fully(cast, registry):
    hoa, lan, minh = registry
    view = lookups.get_person(cast.ba_dinh_officer, hoa.pk)
    assert view.full and view.sensitive


def test_of_others_in_its_area_it_sees_only_existence_and_support(cast, registry, login):
    hoa, lan, minh = registry
    view = lookups.get_person(cast.ba_dinh_officer, minh.pk)
    assert view.level == lookups.AREA and not view.sensitive
    page = login(cast.ba_dinh_officer).get(f"/doi-tuong/{minh.pk}/")
    html = page.content.decode()
    assert "Phạm Văn Minh" in html and "500.000 ₫" in html
    assert "001060012345" not in html
    assert not SensitiveRead.objects.exists()


def test_people_outside_its_area_and_reach_are_not_found(cast, registry, login):
    hoa, lan, minh = registry
    assert login(cast.ba_dinh_officer).get(f"/doi-tuong/{lan.pk}/").status_code == 404
    assert login(cast.tq_officer).get(f"/doi-tuong/{hoa.pk}/").status_code == 404
    assert login(cast.outsider).get(f"/doi-tuong/{hoa.pk}/").status_code == 404


def test_the_province_sees_every_commune_fully(cast, registry):
    visible = Person.objects.for_user(cast.hn_viewer)
    assert set(visible) == set(registry)


def test_sensitive_fields_need_the_sensitive_permission(cast, registry, login):
    hoa, lan, minh = registry
    html = login(cast.hn_viewer).get(f"/doi-tuong/{hoa.pk}/").content.decode()
    assert "Nguyễn Thị Hoa" in html and "001185012345" not in html
    html = login(cast.ba_dinh_accountant).get(f"/doi-tuong/{hoa.pk}/").content.decode()
    assert "001185012345" not in html
    assert not SensitiveRead.objects.exists()


def test_every_read_of_sensitive_fields_is_logged(cast, registry, login):
    hoa, lan, minh = registry
    client = login(cast.ba_dinh_officer)
    html = client.get(f"/doi-tuong/{hoa.pk}/?muc_dich=lien-lac").content.decode()
    assert "001185012345" in html and "0912345678" in html
    client.get(f"/doi-tuong/{hoa.pk}/?muc_dich=lien-lac")
    reads = SensitiveRead.objects.filter(person=hoa, user=cast.ba_dinh_officer)
    assert reads.count() == 2
    assert "id_number" in reads.first().fields and reads.first().channel == "page"


def test_organisation_admins_see_who_read_the_personal_data(cast, registry, login):
    hoa, lan, minh = registry
    login(cast.ba_dinh_officer).get(f"/doi-tuong/{hoa.pk}/?muc_dich=lien-lac")
    html = login(cast.hn_admin).get(f"/doi-tuong/{hoa.pk}/").content.decode()
    assert 'id="sensitive-reads"' in html and "ba_dinh_officer" in html
    html = login(cast.hn_viewer).get(f"/doi-tuong/{hoa.pk}/").content.decode()
    assert 'id="sensitive-reads"' not in html
