"""The API: public map endpoints, scoped organisation endpoints, schema, pagination."""

from django.core.management import call_command

from nhandao.orgs.models import AdminUnit


def test_the_map_is_public_and_searchable_without_diacritics(client, db):
    body = client.get("/api/units", {"q": "van mieu quoc tu", "map": "2025-07"}).json()
    assert body["count"] == 1
    assert body["items"][0]["name"] == "Phường Văn Miếu - Quốc Tử Giám"
    assert body["items"][0]["province_name"] == "Thành phố Hà Nội"
    found = client.get("/api/units", {"q": "VAN MIEU", "map": "2025-07"}).json()["items"]
    assert {"Phường Văn Miếu - Quốc Tử Giám"} <= {u["name"] for u in found}


def test_an_old_commune_code_converts_to_its_new_communes(client, db):
    new = client.get("/api/units/convert", {"old_code": "00019"}).json()
    assert sorted(u["code"] for u in new) == ["190", "226", "4", "70"]
    assert client.get("/api/units/convert", {"old_code": "99999"}).status_code == 404


def test_a_unit_detail_shows_both_directions_of_the_conversion(client, db):
    old = AdminUnit.objects.get(map="2025-01", level="commune", code="19")
    body = client.get(f"/api/units/{old.pk}").json()
    assert body["split"] is True and len(body["new_units"]) == 4
    new = AdminUnit.objects.get(map="2025-07", level="commune", code="4")
    body = client.get(f"/api/units/{new.pk}").json()
    assert "Phường Trúc Bạch" in {u["name"] for u in body["old_units"]}


def test_lists_are_paginated(client, db):
    body = client.get("/api/units", {"map": "2025-07", "level": "commune"}).json()
    assert body["count"] == 3321
    assert len(body["items"]) == 50
    second = client.get("/api/units", {"map": "2025-07", "level": "commune", "page": 2}).json()
    assert second["items"][0]["id"] != body["items"][0]["id"]


def test_an_organisation_detail_lists_children_and_predecessors(cast, login):
    body = login(cast.hn_viewer).get(f"/api/orgs/{cast.ba_dinh.pk}").json()
    assert body["parent"]["code"] == "CTD-1"
    assert [p["code"] for p in body["predecessors"]] == ["CTD-X13-2024"]


def test_the_subtree_endpoint_returns_the_whole_subtree(cast, login):
    body = login(cast.tw_manager).get(f"/api/orgs/{cast.hanoi.pk}/subtree").json()
    codes = {o["code"] for o in body["items"]}
    assert {"CTD-1", "CTD-X4", "CTD-X8", "CTD-X13-2024", "CTD-H1"} <= codes
    assert "CTD-8" not in codes


def test_the_openapi_schema_is_served_and_lists_the_endpoints(client, db):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/units", "/api/orgs", "/api/me", "/api/orgs/{org_id}/merge"} <= set(
        schema["paths"]
    )


def test_migrations_are_complete(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
