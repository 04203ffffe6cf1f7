"""Who may open what: every role of the cast × every page and endpoint.

Rules: a page outside a user's reach answers 404 (its existence is not revealed), inside
their reach but beyond their role 403, anonymous visitors are sent to the login page (pages)
or get 401 (API). The map is public data.
"""

import pytest

from nhandao.orgs.models import Organisation

EVERYONE = [
    "anon",
    "outsider",
    "ba_dinh_officer",
    "ba_dinh_accountant",
    "ngoc_ha_officer",
    "hn_viewer",
    "hn_officer",
    "hn_accountant",
    "hn_manager",
    "hn_admin",
    "tq_officer",
    "tw_admin",
    "tw_manager",
    "front_manager",
    "root",
]
CENTRAL = {"tw_admin", "tw_manager", "root"}
HANOI = {"hn_viewer", "hn_officer", "hn_accountant", "hn_manager", "hn_admin"} | CENTRAL
REACH_BA_DINH = {"ba_dinh_officer", "ba_dinh_accountant"} | HANOI
REACH_NGOC_HA = {"ngoc_ha_officer"} | HANOI
REACH_TQ = {"tq_officer"} | CENTRAL
ADMINS_OF_HANOI = {"hn_admin", "tw_admin", "root"}
LOGGED_IN = set(EVERYONE) - {"anon"}


def expect_scoped(allowed, visible=None, anon=302):
    """200 for `allowed`; 403 for those who see the organisation but lack the role; else 404."""
    visible = visible if visible is not None else allowed

    def status(who):
        if who == "anon":
            return anon
        if who in allowed:
            return 200
        return 403 if who in visible else 404

    return status


def expect(allowed, denied, anon=302):
    return lambda who: anon if who == "anon" else (200 if who in allowed else denied)


# (name, url template, expected status for a user name); {ba_dinh} etc. become ids
PAGES = [
    ("home", "/", expect(LOGGED_IN, 200)),
    ("organisation tree", "/to-chuc/", expect(LOGGED_IN, 200)),
    ("organisation search", "/to-chuc/?q=ngoc+ha", expect(LOGGED_IN, 200)),
    ("own commune", "/to-chuc/{ba_dinh}/", expect_scoped(REACH_BA_DINH)),
    ("sibling commune", "/to-chuc/{ngoc_ha}/", expect_scoped(REACH_NGOC_HA)),
    ("merged predecessor", "/to-chuc/{quan_thanh}/", expect_scoped(REACH_BA_DINH)),
    ("other province", "/to-chuc/{tuyen_quang}/", expect_scoped(REACH_TQ)),
    ("central committee", "/to-chuc/{central}/", expect_scoped(CENTRAL)),
    ("rename", "/to-chuc/{ba_dinh}/doi-ten/", expect_scoped(ADMINS_OF_HANOI, REACH_BA_DINH)),
    ("move", "/to-chuc/{ba_dinh}/chuyen/", expect_scoped(ADMINS_OF_HANOI, REACH_BA_DINH)),
    ("merge", "/to-chuc/{ba_dinh}/hop-nhat/", expect_scoped(ADMINS_OF_HANOI, REACH_BA_DINH)),
    ("dissolve", "/to-chuc/{ba_dinh}/giai-the/", expect_scoped(ADMINS_OF_HANOI, REACH_BA_DINH)),
    ("users and roles", "/to-chuc/{hanoi}/nguoi-dung/", expect_scoped(ADMINS_OF_HANOI, HANOI)),
    ("create organisation", "/to-chuc/tao/", expect(LOGGED_IN, 200)),
    ("audit events", "/nhat-ky/", expect(ADMINS_OF_HANOI, 403)),
    ("clusters", "/cum-thi-dua/", expect(LOGGED_IN, 200)),
    ("api tokens", "/khoa-api/", expect(LOGGED_IN, 200)),
    ("map search", "/don-vi-hanh-chinh/?q=ba+dinh", expect(LOGGED_IN, 200, anon=200)),
    ("django admin", "/quan-tri/", expect({"root"}, 302)),
    ("api: map search", "/api/units?q=ba+dinh", expect(LOGGED_IN, 200, anon=200)),
    ("api: me", "/api/me", expect(LOGGED_IN, 200, anon=401)),
    ("api: organisations", "/api/orgs", expect(LOGGED_IN, 200, anon=401)),
    ("api: own commune", "/api/orgs/{ba_dinh}", expect_scoped(REACH_BA_DINH, anon=401)),
    ("api: sibling commune", "/api/orgs/{ngoc_ha}", expect_scoped(REACH_NGOC_HA, anon=401)),
    (
        "api: other province subtree",
        "/api/orgs/{tuyen_quang}/subtree",
        expect_scoped(REACH_TQ, anon=401),
    ),
]


@pytest.mark.parametrize("page,url,rule", PAGES, ids=[name for name, _, _ in PAGES])
def test_access_matrix(cast, client, page, url, rule):
    """One test per page, every user of the cast; a failure lists each wrong answer."""
    ids = {k: v.pk for k, v in vars(cast).items() if isinstance(v, Organisation)}
    wrong = []
    for who in EVERYONE:
        client.logout()
        if who != "anon":
            client.force_login(getattr(cast, who))
        status = client.get(url.format(**ids)).status_code
        if status != rule(who):
            wrong.append(f"{who}: {status}, expected {rule(who)}")
    assert wrong == [], f"{page}: " + "; ".join(wrong)


def test_a_commune_officer_lists_only_their_own_subtree(cast, login):
    client = login(cast.ba_dinh_officer)
    listed = {o["code"] for o in client.get("/api/orgs").json()["items"]}
    assert listed == {"CTD-X4", "CTD-X13-2024"}
    page = client.get("/to-chuc/?q=hoi chu thap do&all=1")
    names = {o.code for o in page.context["page"]}
    assert names == {"CTD-X4", "CTD-X13-2024"}


def test_an_api_write_outside_the_admins_reach_is_refused(cast, login):
    client = login(cast.hn_admin)
    response = client.post(
        f"/api/orgs/{cast.tq_commune.pk}/rename",
        {"name": "Tên mới"},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/orgs/{cast.ba_dinh.pk}/rename",
        {"name": "Hội CTĐ Ba Đình"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_an_officer_cannot_rename_through_the_api(cast, login):
    response = login(cast.hn_officer).post(
        f"/api/orgs/{cast.ba_dinh.pk}/rename", {"name": "X"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "quyền" in response.json()["detail"]
