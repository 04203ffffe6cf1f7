"""The administrative map: both maps, the official conversion, search."""

from django.core.management import call_command

from nhandao.orgs.models import AdminLevel, AdminMap, AdminUnit, UnitConversion


def count(admin_map, level):
    return AdminUnit.objects.filter(map=admin_map, level=level).count()


def test_the_new_map_has_34_provinces_and_3321_communes(db):
    assert count(AdminMap.NEW, AdminLevel.PROVINCE) == 34
    assert count(AdminMap.NEW, AdminLevel.COMMUNE) == 3321
    assert count(AdminMap.NEW, AdminLevel.DISTRICT) == 0


def test_the_january_2025_map_has_63_provinces_696_districts_10051_communes(db):
    assert count(AdminMap.OLD, AdminLevel.PROVINCE) == 63
    assert count(AdminMap.OLD, AdminLevel.DISTRICT) == 696
    assert count(AdminMap.OLD, AdminLevel.COMMUNE) == 10051


def test_loading_again_changes_nothing(db, capsys):
    units, links = AdminUnit.objects.count(), UnitConversion.objects.count()
    first_id = AdminUnit.objects.order_by("pk").values_list("pk", flat=True).first()
    call_command("load_admin_units")  # README: "chạy lại không sao"
    printed = dict(line.split(": ") for line in capsys.readouterr().out.splitlines())
    assert printed["new_provinces"] == "34" and printed["new_communes"] == "3321"
    assert printed["old_provinces"] == "63" and printed["old_districts"] == "696"
    assert printed["old_communes"] == "10051"
    assert AdminUnit.objects.count() == units
    assert UnitConversion.objects.count() == links
    assert AdminUnit.objects.order_by("pk").values_list("pk", flat=True).first() == first_id


def test_a_split_old_commune_converts_to_each_of_its_new_communes(db):
    dien_bien = AdminUnit.objects.get(map=AdminMap.OLD, level="commune", code="19")
    assert dien_bien.name == "Phường Điện Biên"
    assert sorted(u.name for u in dien_bien.new_units()) == [
        "Phường Ba Đình",
        "Phường Hoàn Kiếm",
        "Phường Văn Miếu - Quốc Tử Giám",
        "Phường Ô Chợ Dừa",
    ]
    assert all(link.split for link in dien_bien.successor_links.all())


def test_a_new_commune_lists_the_old_communes_it_came_from(db):
    ba_dinh = AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4")
    old_names = {u.name for u in ba_dinh.old_units()}
    assert {"Phường Trúc Bạch", "Phường Quán Thánh", "Phường Điện Biên"} <= old_names


def test_search_ignores_diacritics_and_case(db):
    found = AdminUnit.objects.on_map(AdminMap.NEW).search("ba dinh")
    assert "Phường Ba Đình" in {u.name for u in found}
    assert (
        AdminUnit.objects.on_map(AdminMap.NEW).search("DAK LAK").filter(level="province").get().name
        == "Tỉnh Đắk Lắk"
    )


def test_a_province_lists_its_communes_on_either_map(db):
    new_hanoi = AdminUnit.objects.get(map=AdminMap.NEW, level="province", code="1")
    old_hanoi = AdminUnit.objects.get(map=AdminMap.OLD, level="province", code="1")
    assert AdminUnit.objects.filter(province=new_hanoi, level="commune").count() == 126
    assert AdminUnit.objects.filter(province=old_hanoi, level="commune").count() == 526
    assert AdminUnit.objects.filter(province=old_hanoi, level="district").count() == 30


def test_old_units_end_the_day_before_the_reform(db):
    old = AdminUnit.objects.filter(map=AdminMap.OLD).first()
    new = AdminUnit.objects.filter(map=AdminMap.NEW).first()
    assert old.valid_to.isoformat() == "2025-06-30"
    assert new.valid_from.isoformat() == "2025-07-01"
