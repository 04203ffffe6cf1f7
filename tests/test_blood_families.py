"""Family honours (the donations of all members counted together against the family bands)
and a province's own bands, dated, with areas (its mountain communes) that have bands of
their own."""

from datetime import date

import pytest

from nhandao.blood import families, honours
from nhandao.blood.models import Donation, FamilyHonour, Honour, HonourStatus, HonourThreshold
from nhandao.lib.errors import Refused
from tests.test_blood import _history, frozen_today, make_donor  # noqa: F401  (the fixture)


def hanoi_of(cast):
    return cast.ba_dinh.admin_unit.province


def test_a_family_is_listed_when_its_members_donations_together_reach_a_family_band(cast):
    hanoi = hanoi_of(cast)
    father = make_donor(cast, "Nguyễn Văn Bố", phone="0912000001")
    mother = make_donor(cast, "Trần Thị Mẹ", sex="female", phone="0912000002",
                        org=cast.ngoc_ha)  # fmt: skip
    son = make_donor(cast, "Nguyễn Văn Con", born=date(2000, 1, 1), phone="0912000003")
    _history(father, 6, last=date(2025, 3, 1))
    _history(mother, 5, last=date(2025, 3, 1))
    _history(son, 3, last=date(2025, 3, 1))
    family = families.create_family(cast.hn_officer, father)
    assert family.name == "Gia đình Nguyễn Văn Bố" and family.province == hanoi
    families.add_member(cast.hn_officer, family, mother)
    families.add_member(cast.hn_officer, family, son)
    assert honours.family_list(hanoi, 2025, "04-07") == []  # 14 donations: below 15
    # the 15th, given after 7/4/2025: counts for 14/6, not for 7/4
    Donation.objects.create(donor=son, organisation=son.organisation, kind="plasma",
                            volume_ml=250, donated_on=date(2025, 5, 2))  # fmt: skip
    assert honours.family_list(hanoi, 2025, "04-07") == []
    ((candidate, band),) = honours.family_list(hanoi, 2025, "06-14")
    assert (candidate.pk, candidate.full_name, candidate.count_on_day) == (
        family.pk, "Gia đình Nguyễn Văn Bố", 15)  # fmt: skip
    assert (band.donations, band.award, candidate.is_family) == (15, "Cúp thủy tinh vàng", True)
    # the persons' list is the persons' own (the father and the mother reached 5)
    persons = {c.pk for c, _ in honours.honour_list(hanoi, 2025, "06-14")}
    assert persons == {father.pk, mother.pk}
    made = honours.propose(cast.hn_officer, hanoi, 2025, "06-14")
    assert sorted(type(h).__name__ for h in made) == ["FamilyHonour", "Honour", "Honour"]
    assert honours.propose(cast.hn_officer, hanoi, 2025, "06-14") == []  # once
    assert honours.family_list(hanoi, 2026, "04-07") == []  # honoured for 15 already
    # a member who leaves takes their donations out of the family's count
    families.remove_member(cast.hn_officer, family, father)
    FamilyHonour.objects.all().delete()
    assert honours.family_list(hanoi, 2025, "06-14") == []


def test_one_family_per_donor_and_within_reach(cast):
    a = make_donor(cast, "Lê Văn A", phone="0912000011")
    b = make_donor(cast, "Lê Văn B", phone="0912000012")
    tq = make_donor(cast, "Hoàng Văn Tuyên", phone="0912000013", org=cast.tq_commune)
    first = families.create_family(cast.hn_officer, a, "  Gia đình   họ Lê ")
    assert first.name == "Gia đình họ Lê"
    with pytest.raises(Refused, match="đã thuộc “Gia đình họ Lê”"):
        families.create_family(cast.hn_officer, a)
    other = families.create_family(cast.hn_officer, b)
    with pytest.raises(Refused, match="hãy cho rời gia đình đó trước"):
        families.add_member(cast.hn_officer, other, a)
    with pytest.raises(Refused, match="ngoài phạm vi"):
        families.add_member(cast.ngoc_ha_officer, first, b)
    with pytest.raises(Refused, match="tỉnh/thành khác"):
        families.add_member(cast.root, first, tq)
    with pytest.raises(Refused, match="không ở trong gia đình"):
        families.remove_member(cast.hn_officer, first, b)
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.family_id, b.family_id) == (first.pk, other.pk)


def test_an_area_of_the_province_is_listed_by_its_own_bands(cast):
    """Hà Nội: 10 donations in the lowlands, 7 in its mountain communes (here Ngọc Hà)."""
    hanoi = hanoi_of(cast)
    since = date(2024, 1, 1)
    for n, award in ((5, "Giấy chứng nhận"), (10, "Giấy khen")):
        families.add_band(cast.hn_manager, hanoi, donations=n, award=award,
                          awarded_by="UBND thành phố", valid_from=since)  # fmt: skip
    area = families.add_area(cast.hn_manager, hanoi, "Các xã miền núi", [cast.ngoc_ha.admin_unit])
    band7 = families.add_band(cast.hn_manager, hanoi, donations=7, award="Giấy khen",
                              awarded_by="UBND thành phố", valid_from=since, area=area)  # fmt: skip
    lowland = make_donor(cast, "Phạm Văn Đồng Bằng", phone="0912000021")
    mountain = make_donor(cast, "Hà Thị Miền Núi", sex="female", phone="0912000022",
                          org=cast.ngoc_ha)  # fmt: skip
    _history(lowland, 8, last=date(2026, 3, 1))
    _history(mountain, 8, last=date(2026, 3, 1))
    listed = [(c.pk, b.donations) for c, b in honours.honour_list(hanoi, 2026, "04-07")]
    assert listed == [(mountain.pk, 7), (lowland.pk, 5)]
    # the area's band ends: its donors are listed by the province's bands again
    families.end_band(cast.hn_manager, band7, date(2026, 1, 31))
    listed = [(c.pk, b.donations) for c, b in honours.honour_list(hanoi, 2026, "04-07")]
    assert sorted(listed) == sorted([(mountain.pk, 5), (lowland.pk, 5)])


def test_a_new_band_of_the_same_count_ends_the_old_one_the_day_before(cast):
    hanoi = hanoi_of(cast)
    band = {"donations": 5, "award": "Giấy chứng nhận"}
    old = families.add_band(cast.hn_manager, hanoi, **band, awarded_by="Ban Chỉ đạo cấp huyện",
                            valid_from=date(2020, 1, 1))  # fmt: skip
    new = families.add_band(cast.hn_manager, hanoi, **band, awarded_by="Ban Chỉ đạo cấp xã",
                            valid_from=date(2025, 7, 1))  # fmt: skip
    old.refresh_from_db()
    assert old.valid_to == date(2025, 6, 30) and new.valid_to is None
    assert honours.thresholds(hanoi, date(2025, 6, 30)) == [old]
    assert honours.thresholds(hanoi, date(2025, 7, 1)) == [new]
    with pytest.raises(Refused, match="áp dụng từ ngày này hoặc sau đó"):
        families.add_band(cast.hn_manager, hanoi, donations=5, award="X", awarded_by="Y",
                          valid_from=date(2025, 7, 1))  # fmt: skip
    default = HonourThreshold.objects.filter(province__isnull=True).first()
    with pytest.raises(Refused, match="Mốc mặc định"):
        families.end_band(cast.hn_manager, default, date(2026, 1, 1))
    with pytest.raises(Refused, match="trước ngày áp dụng"):
        families.end_band(cast.hn_manager, new, date(2025, 1, 1))


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"donations": 0}, "từ 1 đến 500"),
        ({"award": " "}, "hình thức khen thưởng"),
        ({"awarded_by": ""}, "cấp khen"),
        ({"skip_years": 30}, "từ 0 đến 20"),
        ({"for_family": True, "area": "mountain"}, "chỉ dành cho cá nhân"),
    ],
)
def test_bad_bands_are_refused_with_nothing_written(cast, fields, message):
    hanoi = hanoi_of(cast)
    area = families.add_area(cast.hn_manager, hanoi, "Miền núi", [cast.ngoc_ha.admin_unit])
    values = {"donations": 5, "award": "Giấy khen", "awarded_by": "UBND",
              "valid_from": date(2026, 1, 1)} | fields  # fmt: skip
    if values.get("area") == "mountain":
        values["area"] = area
    before = HonourThreshold.objects.count()
    with pytest.raises(Refused, match=message):
        families.add_band(cast.hn_manager, hanoi, **values)
    assert HonourThreshold.objects.count() == before


def test_bad_areas_are_refused(cast):
    hanoi = hanoi_of(cast)
    with pytest.raises(Refused, match="đặt tên vùng"):
        families.add_area(cast.hn_manager, hanoi, " ", [cast.ngoc_ha.admin_unit])
    with pytest.raises(Refused, match="ít nhất một xã"):
        families.add_area(cast.hn_manager, hanoi, "Miền núi", [])
    with pytest.raises(Refused, match="Không thuộc"):
        families.add_area(cast.hn_manager, hanoi, "Miền núi", [cast.tq_commune.admin_unit])
    families.add_area(cast.hn_manager, hanoi, "Miền núi", [cast.ngoc_ha.admin_unit])
    with pytest.raises(Refused, match="đã có vùng"):
        families.add_area(cast.hn_manager, hanoi, "miền núi", [cast.ba_dinh.admin_unit])


def test_one_award_decision_for_persons_and_families_together(cast):
    hanoi = hanoi_of(cast)
    a = make_donor(cast, "Đỗ Văn Một", phone="0912000031")
    b = make_donor(cast, "Đỗ Thị Hai", sex="female", phone="0912000032")
    _history(a, 10, last=date(2026, 3, 1))
    _history(b, 5, last=date(2026, 3, 1))
    family = families.create_family(cast.hn_officer, a)
    families.add_member(cast.hn_officer, family, b)
    made = honours.propose(cast.hn_officer, hanoi, 2026, "04-07")
    assert len(made) == 3
    assert honours.mark_awarded(cast.hn_officer, made, decision="12/QĐ-UBND",
                                awarded_on=date(2026, 12, 1)) == 3  # fmt: skip
    assert set(FamilyHonour.objects.values_list("status", flat=True)) == {HonourStatus.AWARDED}
    assert set(Honour.objects.values_list("status", flat=True)) == {HonourStatus.AWARDED}
    with pytest.raises(Refused, match="Gia đình Đỗ Văn Một"):
        honours.mark_awarded(cast.hn_officer, made[-1:], decision="13/QĐ",
                             awarded_on=date(2026, 12, 2))  # fmt: skip


def test_a_family_s_certificate_names_the_family_and_its_band(cast, client):
    import pymupdf

    hanoi = hanoi_of(cast)
    a = make_donor(cast, "Vũ Văn Cả", phone="0912000041")
    b = make_donor(cast, "Vũ Thị Hai", sex="female", phone="0912000042")
    _history(a, 9, last=date(2026, 3, 1))
    _history(b, 7, last=date(2026, 3, 1))
    family = families.create_family(cast.hn_officer, a, "Gia đình ông Vũ Văn Cả")
    families.add_member(cast.hn_officer, family, b)
    honours.propose(cast.hn_officer, hanoi, 2026, "04-07")
    honour = FamilyHonour.objects.get(family=family)
    client.force_login(cast.ba_dinh_officer)
    response = client.get(f"/hien-mau/vinh-danh/gia-dinh/{honour.pk}/giay-chung-nhan/")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pymupdf.open(stream=response.content, filetype="pdf")[0].get_text().split())
    assert "Gia đình ông Vũ Văn Cả" in text and "CÚP THỦY TINH VÀNG" in text
    assert "Đã 15 lần hiến máu" in text and "sinh năm" not in text  # the band reached
    client.force_login(cast.tq_officer)
    assert (
        client.get(f"/hien-mau/vinh-danh/gia-dinh/{honour.pk}/giay-chung-nhan/").status_code == 404
    )


def test_a_merged_duplicate_brings_its_family_and_two_families_refuse_the_merge(cast):
    from nhandao.blood import actions

    keep = make_donor(cast, "Bùi Văn Giữ", phone="0912000051")
    twin = make_donor(cast, "Bùi Văn Giữ", born=None, phone="0988000052")  # not linked
    _history(twin, 3, last=date(2026, 3, 1))
    family = families.create_family(cast.hn_officer, twin)
    actions.merge_donors(cast.hn_officer, keep, twin)
    keep.refresh_from_db(), twin.refresh_from_db()
    assert keep.family_id == family.pk and twin.family_id is None  # counted once, by keep
    assert list(family.members.all()) == [keep]
    other = make_donor(cast, "Bùi Văn Khác", phone="0912000053")
    families.create_family(cast.hn_officer, other)
    with pytest.raises(Refused, match="hai gia đình hiến máu khác nhau"):
        actions.merge_donors(cast.hn_officer, keep, other)


# --- the pages ------------------------------------------------------------------------------


def test_a_family_is_made_on_a_donor_s_page_and_filled_with_the_picker(cast, login):
    a = make_donor(cast, "Ngô Văn Ba", phone="0912000061")
    b = make_donor(cast, "Ngô Thị Mẹ", sex="female", phone="0912000062")
    c = make_donor(cast, "Ngô Văn Khác", phone="0912000063")
    families.create_family(cast.hn_officer, c)
    client = login(cast.ba_dinh_officer)
    page = client.get(f"/hien-mau/nguoi-hien/{a.pk}/").content.decode()
    assert 'id="donor-family"' in page and "Lập gia đình" in page
    answer = client.post(f"/hien-mau/nguoi-hien/{a.pk}/gia-dinh/", {"name": ""})
    a.refresh_from_db()
    assert answer.status_code == 302 and answer["Location"] == f"/hien-mau/gia-dinh/{a.family_id}/"
    url = answer["Location"]
    assert client.post(url, {"donor": b.code}).status_code == 302
    refused = client.post(url, {"donor": c.code})  # in another family
    assert (
        refused.status_code == 422 and "hãy cho rời gia đình đó trước" in refused.content.decode()
    )
    unknown = client.post(url, {"donor": "HM9999999"})
    assert (
        unknown.status_code == 422 and "không có hoặc nằm ngoài phạm vi" in unknown.content.decode()
    )
    page = client.get(url).content.decode()
    assert "Ngô Thị Mẹ" in page and "Mốc gia đình tiếp theo: <strong>15 lần</strong>" in page
    assert "còn 15 lần" in page
    listing = client.get("/hien-mau/gia-dinh/?q=ngo van ba").content.decode()
    assert "Gia đình Ngô Văn Ba" in listing and "Gia đình Ngô Văn Khác" not in listing
    assert client.post(f"{url}roi/", {"donor": "x"}).status_code == 302  # told, not a 500
    assert client.post(f"{url}roi/", {"donor": b.pk}).status_code == 302
    b.refresh_from_db()
    assert b.family_id is None
    # a viewer of Ngọc Hà sees neither the family nor its form
    assert login(cast.ngoc_ha_officer).get(url).status_code == 404


def test_the_bands_page_sets_a_province_s_bands_and_explains_bad_input(cast, login):
    client = login(cast.hn_manager)
    hanoi = hanoi_of(cast)
    page = client.get(f"/hien-mau/moc-vinh-danh/?tinh={hanoi.code}").content.decode()
    assert "Cúp thủy tinh vàng" in page and "mặc định" in page and 'id="band-form"' in page
    good = {"tinh": hanoi.code, "donations": "10", "award": "Giấy khen", "awarded_by": "UBND",
            "valid_from": "01/01/2026", "scope": "person", "skip_years": "2"}  # fmt: skip
    bad = client.post("/hien-mau/moc-vinh-danh/them/", good | {"valid_from": "31/02/2026"})
    assert bad.status_code == 422 and HonourThreshold.objects.filter(province=hanoi).count() == 0
    zero = client.post("/hien-mau/moc-vinh-danh/them/", good | {"donations": "0"})
    assert zero.status_code == 422 and "1" in zero.content.decode()
    assert client.post("/hien-mau/moc-vinh-danh/them/", good).status_code == 302
    band = HonourThreshold.objects.get(province=hanoi)
    assert (band.donations, band.skip_if_honoured_within_years) == (10, 2)
    area = {
        "tinh": hanoi.code,
        "name": "Các xã miền núi",
        "communes": [cast.ngoc_ha.admin_unit.code],
    }
    assert client.post("/hien-mau/moc-vinh-danh/vung/", area).status_code == 302
    elsewhere = {"name": "Khác", "communes": [cast.tq_commune.admin_unit.code]}
    other = client.post("/hien-mau/moc-vinh-danh/vung/", area | elsewhere)
    assert other.status_code == 422 and "không thuộc tỉnh/thành này" in other.content.decode()
    ended = client.post(f"/hien-mau/moc-vinh-danh/{band.pk}/ket-thuc/",
                        {"tinh": hanoi.code, "valid_to": "31/12/2025"}, follow=True)  # fmt: skip
    assert "trước ngày áp dụng" in ended.content.decode()
    page = client.get(f"/hien-mau/moc-vinh-danh/?tinh={hanoi.code}").content.decode()
    assert "Các xã miền núi" in page and "riêng của tỉnh/thành" in page
    # an officer sees the bands, without the forms
    page = login(cast.hn_officer).get(f"/hien-mau/moc-vinh-danh/?tinh={hanoi.code}")
    assert page.status_code == 200 and 'id="band-form"' not in page.content.decode()


def test_the_public_page_names_a_family_only_when_every_member_consented(cast, client):
    hanoi = hanoi_of(cast)
    a = make_donor(cast, "Trịnh Văn Công", phone="0912000071")
    b = make_donor(cast, "Trịnh Thị Khai", sex="female", phone="0912000072")
    _history(a, 8, last=date(2026, 3, 1))
    _history(b, 8, last=date(2026, 3, 1))
    family = families.create_family(cast.hn_officer, a)
    families.add_member(cast.hn_officer, family, b)
    made = honours.propose(cast.hn_officer, hanoi, 2026, "04-07")
    honours.mark_awarded(cast.hn_officer, made, decision="1/QĐ", awarded_on=date(2026, 12, 1))
    url = f"/cong-khai/hien-mau/vinh-danh/{hanoi.code}/2026/"
    assert "Gia đình Trịnh Văn Công" in client.get(url).content.decode()
    b.individual.consent_publish = False
    b.individual.save()
    page = client.get(url).content.decode()
    assert "Gia đình Trịnh Văn Công" not in page and "Trịnh Thị Khai" not in page


def test_a_donor_stops_and_restarts_reminders_on_their_own_page(cast, client):
    from nhandao.lib import sms

    donor = make_donor(cast, phone="0911555777")
    url = "/cong-khai/hien-mau/cua-toi/"
    assert client.post(url, {"reminders": "0"}).status_code == 422  # not signed in: the phone
    donor.refresh_from_db()
    assert donor.reminders_opt_out_at is None
    client.post(url, {"phone": "0911555777"})
    code = sms.outbox[0].text.split(": ")[1][:6]
    client.post(url, {"phone": "0911555777", "code": code})
    page = client.post(url, {"reminders": "0"}, follow=True).content.decode()
    donor.refresh_from_db()
    assert donor.reminders_opt_out_at is not None and "không nhận lời nhắc" in page
    client.post(url, {"reminders": "1"})
    donor.refresh_from_db()
    assert donor.reminders_opt_out_at is None


def test_the_home_page_and_the_api_show_a_family_due_for_its_band(cast, login):
    from tests.test_cockpit import waiting_of

    a = make_donor(cast, "Lý Văn Nhất", phone="0912000081")
    b = make_donor(cast, "Lý Thị Nhì", sex="female", phone="0912000082")
    _history(a, 9, last=date(2026, 3, 1))
    _history(b, 6, last=date(2026, 3, 1))
    family = families.create_family(cast.hn_officer, a)
    families.add_member(cast.hn_officer, family, b)
    client = login(cast.hn_manager)
    label = "Gia đình hiến máu đủ mốc, chưa đề xuất vinh danh"
    assert waiting_of(client)[label] == 1
    answer = client.get(f"/api/blood/families/{family.pk}").json()
    assert answer["donations"] == 15 and answer["name"] == "Gia đình Lý Văn Nhất"
    assert sorted(m["donations"] for m in answer["members"]) == [6, 9]
    honours.propose(cast.hn_manager, hanoi_of(cast), 2026, "04-07")
    assert waiting_of(client).get(label, 0) == 0
    assert client.get(f"/api/blood/families/{family.pk}").json()["honours"][0]["band"] == 15


def test_every_family_and_band_event_reads_in_words(cast):
    from django.apps import apps

    from nhandao.audit.models import AuditEvent
    from nhandao.audit.words import change_lines, field_label

    hanoi = hanoi_of(cast)
    a = make_donor(cast, "Mạc Văn Một", phone="0912000091")
    b = make_donor(cast, "Mạc Thị Hai", sex="female", phone="0912000092")
    family = families.create_family(cast.hn_officer, a)
    families.add_member(cast.hn_officer, family, b)
    families.remove_member(cast.hn_officer, family, b)
    area = families.add_area(cast.hn_manager, hanoi, "Miền núi", [cast.ngoc_ha.admin_unit])
    band = families.add_band(cast.hn_manager, hanoi, donations=7, award="Giấy khen",
                             awarded_by="UBND", valid_from=date(2026, 1, 1), area=area)  # fmt: skip
    families.end_band(cast.hn_manager, band, date(2026, 6, 30))
    events = AuditEvent.objects.filter(action__startswith="blood.")
    assert {e.action for e in events} >= {"blood.family_create", "blood.family_join",
                                          "blood.family_leave", "blood.honour_area",
                                          "blood.honour_band", "blood.honour_band_end"}  # fmt: skip
    for event in events:
        model = apps.get_model(event.object_type)
        assert all(field_label(model, key) != "Thông tin khác" for key, _, _ in event.changes())
        assert all(": " in line for line in change_lines(event, event.changes()))
    join = events.get(action="blood.family_join")
    assert any("Mạc Thị Hai" in line for line in change_lines(join, join.changes()))
