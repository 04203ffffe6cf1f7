# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The cockpit: the menu built from permissions (never a link that answers 403), the home page
of work to do (what waits, scoped, and how it changes), the organisation switch, the style
page and the accessible form fields."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from nhandao.lib import cockpit as registry
from nhandao.orgs import actions as org_actions
from nhandao.orgs.models import RoleKind
from nhandao.relief import actions
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    donate,
    funded,
    make_campaign,
    yagi,
)

CAST_USERS = (
    "root",
    "tw_admin",
    "tw_manager",
    "front_manager",
    "hn_admin",
    "hn_manager",
    "hn_accountant",
    "hn_officer",
    "hn_viewer",
    "ba_dinh_officer",
    "ba_dinh_accountant",
    "ngoc_ha_officer",
    "tq_officer",
    "outsider",
)


class MenuLinks(HTMLParser):
    """The hrefs inside <nav id="main-menu">."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("id") == "main-menu":
            self.depth = 1
        elif tag == "nav" and self.depth:
            self.depth += 1
        elif tag == "a" and self.depth:
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self.depth:
            self.depth -= 1


def menu_links(html: str) -> list[str]:
    parser = MenuLinks()
    parser.feed(html)
    return parser.links


class PageLinks(HTMLParser):
    """The same-site hrefs inside <main>: the buttons and links a page offers."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.inside = True
        elif tag == "a" and self.inside and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"].split("#")[0])

    def handle_endtag(self, tag):
        if tag == "main":
            self.inside = False


# files and exports answer with a download; the public pages have their own tests
NOT_PAGES = re.compile(r"/tai/|format=|/xuat|\.(csv|xlsx|docx|pdf|json)$|^/cong-khai/|^/dang-xuat")


@pytest.mark.parametrize("username", CAST_USERS)
def test_the_menu_never_links_to_a_page_that_answers_403(cast, login, username):
    client = login(getattr(cast, username))
    home = client.get("/")
    assert home.status_code == 200
    links = menu_links(home.content.decode())
    assert "/" in links and "/cong-khai/" in links
    for href in links:
        response = client.get(href)
        assert response.status_code == 200, (username, href, response.status_code)


@pytest.mark.parametrize("username", CAST_USERS)
def test_the_pages_of_the_menu_never_offer_a_link_that_answers_403_or_404(
    cast, login, funded, username
):
    """A button the user may not use is not drawn (templates ask `{% may %}`, the check the
    target view makes); one page per URL shape is followed."""
    client = login(getattr(cast, username))
    shapes = set()
    for page in menu_links(client.get("/").content.decode()):
        if NOT_PAGES.search(page):
            continue
        parser = PageLinks()
        parser.feed(client.get(page).content.decode())
        for href in parser.links:
            shape = re.sub(r"\d+", "N", href.split("?")[0])
            if NOT_PAGES.search(href) or shape in shapes:
                continue
            shapes.add(shape)
            status = client.get(href).status_code
            assert status not in (403, 404), (username, page, href, status)


def test_the_menu_shows_what_each_role_may_do_and_the_audit_log_only_with_its_permission(
    cast, login
):
    officer = menu_links(login(cast.ba_dinh_officer).get("/").content.decode())
    assert "/doi-tuong/" in officer and "/nha-hao-tam/" in officer and "/ung-ho/" in officer
    assert "/tai-khoan-ngan-hang/" in officer
    assert "/nhat-ky/" not in officer
    assert "/ung-ho/them/cash/" not in officer  # recording money needs the money permission
    accountant = menu_links(login(cast.ba_dinh_accountant).get("/").content.decode())
    assert "/ung-ho/them/cash/" in accountant
    assert "/doi-tuong/them/" not in accountant  # no 'edit' permission
    admin = menu_links(login(cast.hn_admin).get("/").content.decode())
    assert "/nhat-ky/" in admin
    outsider = menu_links(login(cast.outsider).get("/").content.decode())
    assert "/doi-tuong/" not in outsider and "/ung-ho/" not in outsider


def test_menu_groups_follow_the_tasks_in_order(cast):
    groups = [g for g, _ in registry.menu(lambda perm: True)]
    assert groups == list(registry.GROUPS)


def waiting_of(client) -> dict[str, int]:
    """{label: count} of the home page's work list."""
    html = client.get("/").content.decode()
    found = re.findall(
        r'<li class="work \w+"><a href="[^"]*"><span class="count">(\d+)</span> '
        r'<span class="label">([^<]+)</span>',
        html,
    )
    return {label: int(count) for count, label in found}


def test_home_lists_an_allocation_to_approve_until_it_is_approved(cast, login, funded):
    client = login(cast.tw_manager)
    assert "Phân bổ chờ bạn duyệt" not in waiting_of(client)
    allocation = actions.propose_allocation(
        cast.root,
        organisation=cast.central,
        campaign=funded,
        amount=1_000_000,
        decision_no="12/QĐ",
        decision_date=funded.launch_date,
        target_organisation=cast.hanoi,
    )
    assert waiting_of(client)["Phân bổ chờ bạn duyệt"] == 1
    # the link leads to the allocation itself when there is only one
    assert f'href="/cuu-tro/phan-bo/{allocation.pk}/"' in client.get("/").content.decode()
    # outside the manager's reach, nothing to approve; the maker never sees it as his to approve
    assert "Phân bổ chờ bạn duyệt" not in waiting_of(login(cast.front_manager))
    assert "Phân bổ chờ bạn duyệt" not in waiting_of(login(cast.hn_manager))
    actions.approve_allocation(cast.tw_manager, allocation)
    assert "Phân bổ chờ bạn duyệt" not in waiting_of(login(cast.tw_manager))


def test_home_tells_the_maker_when_an_allocation_is_refused(cast, login, funded):
    org_actions.grant_role(cast.root, cast.hn_officer, cast.central, RoleKind.ACCOUNTANT)
    allocation = actions.propose_allocation(
        cast.hn_officer,
        organisation=cast.central,
        campaign=funded,
        amount=2_000_000,
        decision_no="13/QĐ",
        decision_date=funded.launch_date,
        target_organisation=cast.hanoi,
    )
    client = login(cast.hn_officer)
    assert "Phân bổ bạn đề xuất bị trả lại" not in waiting_of(client)
    actions.reject_allocation(cast.tw_manager, allocation, "Thiếu quyết định kèm theo")
    assert waiting_of(client)["Phân bổ bạn đề xuất bị trả lại"] == 1


def test_home_shows_the_figures_and_the_chart_of_the_organisation(cast, login, funded):
    html = login(cast.tw_manager).get("/").content.decode()
    assert "Số liệu chính" in html
    assert "10.000.000 ₫" in html or "Tiếp nhận năm" in html
    assert 'id="home-chart-data"' in html


def test_the_organisation_in_context_can_be_switched_among_the_users_roles(cast, login):
    org_actions.grant_role(cast.root, cast.ba_dinh_officer, cast.ngoc_ha, RoleKind.OFFICER)
    client = login(cast.ba_dinh_officer)
    html = client.get("/").content.decode()
    assert 'id="org-switch"' in html
    response = client.post("/to-chuc/chon/", {"org": cast.ngoc_ha.pk, "next": "/"})
    assert response.status_code == 302
    assert "<h1>Hội Chữ thập đỏ Phường Ngọc Hà</h1>" in client.get("/").content.decode()
    # an organisation where the user holds no role is refused and changes nothing
    client.post("/to-chuc/chon/", {"org": cast.hanoi.pk, "next": "/"})
    assert "<h1>Hội Chữ thập đỏ Phường Ngọc Hà</h1>" in client.get("/").content.decode()
    # a user with one role has no switch
    assert 'id="org-switch"' not in login(cast.ngoc_ha_officer).get("/").content.decode()


def test_the_style_page_shows_an_error_summary_linked_to_fields(client):
    html = client.get("/giao-dien/").content.decode()
    assert 'class="error-summary"' in html
    assert '<a href="#id_name">Họ và tên:' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_name-error"' in html


def test_the_donation_list_sorts_by_amount_and_falls_back_on_an_unknown_sort(cast, login, funded):
    donate(cast.central, funded, 300_000)
    donate(cast.central, funded, 7_000_000)
    client = login(cast.tw_manager)

    def amounts(query):
        return [d.amount for d in client.get(f"/ung-ho/{query}").context["page"]]

    assert amounts("?sort=lon") == [10_000_000, 7_000_000, 300_000]
    assert amounts("?sort=nho") == [300_000, 7_000_000, 10_000_000]
    assert amounts("?sort=khong-co") == amounts("")  # the first order: newest first
    html = client.get("/ung-ho/?sort=nho").content.decode()
    assert '<option value="nho" selected>' in html


def test_home_warns_of_deadlines_in_the_next_14_days_and_leaders_see_who_is_late(cast, login):
    today = timezone.localdate()
    make_campaign(
        cast.root,
        cast.ba_dinh,
        code="BD-SOON",
        kind="movement",
        launch=today - timedelta(days=10),
        receiving_end=today + timedelta(days=5),
    )
    soon = f"Hạn chiến dịch trong {14} ngày tới"
    officer = login(cast.ba_dinh_officer)
    assert waiting_of(officer)[soon] == 1
    assert (today + timedelta(days=5)).strftime("%d/%m/%Y") in officer.get("/").content.decode()
    assert soon not in waiting_of(login(cast.ngoc_ha_officer))  # a sibling's deadline
    make_campaign(
        cast.root,
        cast.ba_dinh,
        code="BD-LATE",
        kind="movement",
        launch=today - timedelta(days=100),
        receiving_end=today - timedelta(days=3),
    )
    assert waiting_of(login(cast.ba_dinh_officer))["Chiến dịch đã quá hạn"] == 1
    leader = login(cast.hn_manager).get("/").content.decode()
    assert "Đơn vị chậm hạn" in leader
    assert "Hội Chữ thập đỏ Phường Ba Đình</a> — " in leader
    assert "Đơn vị chậm hạn" not in login(cast.tq_officer).get("/").content.decode()


def test_the_allocation_list_exports_what_it_shows(cast, login, funded):
    actions.propose_allocation(
        cast.root,
        organisation=cast.central,
        campaign=funded,
        amount=1_500_000,
        decision_no="=CMD()",  # a formula-looking text stays text (lib/exports.py)
        decision_date=funded.launch_date,
        target_organisation=cast.hanoi,
    )
    response = login(cast.tw_manager).get("/cuu-tro/phan-bo/?status=proposed&format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Số quyết định" in text and "1500000" in text
    assert "'=CMD()" in text
    empty = login(cast.tw_manager).get("/cuu-tro/phan-bo/?status=executed&format=csv")
    assert "1500000" not in b"".join(empty.streaming_content).decode("utf-8-sig")


def test_a_refused_back_office_form_leads_from_the_summary_to_each_field(cast, login):
    response = login(cast.ba_dinh_officer).post("/doi-tuong/them/", {"full_name": ""})
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    form = response.context["form"]
    assert form.errors
    for name in form.errors:
        if name == "__all__":
            continue
        field = form[name]
        assert f'<a href="#{field.auto_id}">' in summary
        assert f'id="{field.auto_id}-error"' in html
        assert re.search(rf'aria-describedby="[^"]*{field.auto_id}-error"', html)


def test_the_donor_list_sorts_by_total_given_and_exports_in_that_order(cast, login, funded):
    from nhandao.donations.actions import find_or_create_donor

    big = find_or_create_donor(cast.root, cast.central, name="Công ty Hòa Bình", kind="business")
    small = find_or_create_donor(cast.root, cast.central, name="An Nguyễn")
    for donor, amount in ((big, 9_000_000), (small, 100_000)):
        donation = donate(cast.central, funded, amount)
        donation.donor = donor
        donation.save(update_fields=["donor"])
    client = login(cast.tw_manager)
    by_name = [d.name for d in client.get("/nha-hao-tam/").context["page"]]
    by_total = [d.name for d in client.get("/nha-hao-tam/?sort=tong").context["page"]]
    assert by_name.index("An Nguyễn") < by_name.index("Công ty Hòa Bình")
    assert by_total.index("Công ty Hòa Bình") < by_total.index("An Nguyễn")
    text = b"".join(client.get("/nha-hao-tam/?sort=tong&format=csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert text.index("Công ty Hòa Bình") < text.index("An Nguyễn")
