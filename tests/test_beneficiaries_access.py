"""Who sees a beneficiary, and how much: every role of the cast × the person page.

Hoa is registered by Ba Đình and lives in Phường Ba Đình. Full view to whoever reaches Ba Đình
(sensitive fields only with the "sensitive" right, logged); "area" view (name, commune,
support) to organisations whose area covers her commune but who do not own her record —
the central Front committee is nationwide; nothing (404) to everyone else.
"""

import pytest

from nhandao.beneficiaries import actions
from nhandao.beneficiaries.models import SensitiveRead
from nhandao.orgs.models import AdminMap, AdminUnit

SENSITIVE, FULL, AREA, HIDDEN = "sensitive", "full", "area", 404
EXPECTED = {
    "outsider": HIDDEN,
    "ba_dinh_officer": SENSITIVE,
    "ba_dinh_accountant": FULL,
    "ngoc_ha_officer": HIDDEN,  # a sibling commune: Hoa does not live in its area
    "hn_viewer": FULL,
    "hn_officer": SENSITIVE,
    "hn_accountant": FULL,
    "hn_manager": SENSITIVE,
    "hn_admin": FULL,
    "tq_officer": HIDDEN,
    "tw_admin": FULL,
    "tw_manager": SENSITIVE,
    "front_manager": AREA,
    "root": SENSITIVE,
}


@pytest.mark.parametrize(("who", "expected"), EXPECTED.items())
def test_who_sees_what_of_a_beneficiary(cast, login, who, expected):
    hoa = actions.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Nguyễn Thị Hoa",
        sex="female",
        birth_year=1985,
        id_number="001185012345",
        commune=AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code="4"),
    )
    response = login(getattr(cast, who)).get(f"/doi-tuong/{hoa.pk}/?muc_dich=xet-ho-tro")
    if expected == HIDDEN:
        assert response.status_code == 404
        return
    html = response.content.decode()
    assert response.status_code == 200 and "Nguyễn Thị Hoa" in html
    assert ('id="area-only"' in html) == (expected == AREA)
    assert ("001185012345" in html) == (expected == SENSITIVE)
    assert SensitiveRead.objects.filter(person=hoa).count() == (1 if expected == SENSITIVE else 0)


def test_anonymous_visitors_are_sent_to_the_login_page(client, cast):
    assert client.get("/doi-tuong/").status_code == 302
    assert client.get("/trung-lap/").status_code == 302
    assert client.get("/api/persons").status_code == 401


def test_users_without_any_role_cannot_open_the_registry(cast, login):
    client = login(cast.outsider)
    assert client.get("/doi-tuong/").status_code == 403
    assert client.get("/trung-lap/").status_code == 403
    assert client.get("/doi-tuong/them/").status_code == 403
    assert client.get("/doi-tuong/nhap/").status_code == 403


def test_only_managers_start_a_full_duplicate_run(cast, login):
    assert login(cast.ba_dinh_officer).post("/trung-lap/chay/").status_code == 403
    response = login(cast.hn_manager).post("/trung-lap/chay/")
    assert response.status_code == 302


def test_the_api_shares_getters_with_the_pages_but_never_imports_the_views():
    """Queries and getters live on the QuerySets (models.py) and in lookups.py / review.py,
    so that pages and API apply the same rules without the API depending on views."""
    import ast
    from pathlib import Path

    from nhandao import beneficiaries

    # read, not imported: importing the package first would go round nhandao/api.py's mount
    package = Path(beneficiaries.__file__).parent / "api"
    modules = sorted(package.glob("*.py"))  # every module of the package
    assert len(modules) > 1
    imported = set()
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom):
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
    assert imported and not any("views" in name for name in imported)
