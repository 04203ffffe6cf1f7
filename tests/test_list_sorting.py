# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Sorting the person list and the allocation list (issue #16): the column heads are links
showing the direction, the select offers the same orders for a phone, an unknown sort falls
back to the first, the filters and the export follow the chosen order, and no order tells
what a row hides."""

import re

from nhandao.beneficiaries import actions as registry
from nhandao.orgs.models import AdminMap, AdminUnit
from nhandao.relief import actions
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    funded,
    yagi,
)


def commune(code):
    return AdminUnit.objects.get(map=AdminMap.NEW, level="commune", code=code)


def names(client, query=""):
    return [p.full_name for p in client.get(f"/doi-tuong/{query}").context["page"]]


def head(html, label):
    """The <th> whose text starts with `label`."""
    found = re.search(rf"<th[^>]*>(?:<a[^>]*>)?{label}.*?</th>", html)
    assert found, label
    return found.group(0)


def test_the_person_list_sorts_by_name_either_way_and_by_commune(cast, login):
    for name, code in (("Bùi Văn An", "8"), ("Đỗ Thị Cúc", "4"), ("Lê Minh Ánh", "4")):
        registry.create_person(
            cast.hn_officer, organisation=cast.hanoi, full_name=name, commune=commune(code)
        )
    client = login(cast.hn_officer)
    assert names(client) == ["Bùi Văn An", "Đỗ Thị Cúc", "Lê Minh Ánh"]  # name_key: "do" < "le"
    assert names(client, "?sort=ten-za") == ["Lê Minh Ánh", "Đỗ Thị Cúc", "Bùi Văn An"]
    assert names(client, "?sort=khong-co") == names(client)
    four_first = commune("4").name_key < commune("8").name_key
    in_four, in_eight = ["Đỗ Thị Cúc", "Lê Minh Ánh"], ["Bùi Văn An"]  # names A–Z within one
    by_commune = in_four + in_eight if four_first else in_eight + in_four
    assert names(client, "?sort=xa") == by_commune
    assert names(client, "?sort=xa-za") == (
        in_eight + in_four if four_first else in_four + in_eight
    )


def test_the_person_list_heads_are_links_that_keep_the_search_and_show_the_direction(cast, login):
    registry.create_person(cast.hn_officer, organisation=cast.hanoi, full_name="Bùi Văn An")
    client = login(cast.hn_officer)
    html = client.get("/doi-tuong/?q=bui&page=1").content.decode()
    name = head(html, "Họ và tên")
    assert 'aria-sort="ascending"' in name and "▲" in name
    assert 'href="?q=bui&amp;sort=ten-za"' in name  # page 1 again, the search kept
    assert "aria-sort" not in head(html, "Xã/phường")
    assert 'href="?q=bui&amp;sort=xa"' in head(html, "Xã/phường")
    assert head(html, "Năm sinh") == '<th scope="col">Năm sinh</th>'  # no order by birth year
    html = client.get("/doi-tuong/?q=bui&sort=ten-za").content.decode()
    name = head(html, "Họ và tên")
    assert 'aria-sort="descending"' in name and "▼" in name and "sort=ten&amp;" not in name
    assert '<option value="ten-za" selected>' in html
    assert "sort=ten-za" in html.split('id="export-csv"')[0].rsplit("<a", 1)[1]


def test_the_person_export_follows_the_order_shown(cast, login):
    for name in ("Bùi Văn An", "Lê Minh Ánh"):
        registry.create_person(cast.hn_officer, organisation=cast.hanoi, full_name=name)
    client = login(cast.hn_officer)

    def exported(sort):
        url = f"/doi-tuong/xuat.csv?sort={sort}&muc_dich=khong"  # no personal columns
        text = b"".join(client.get(url).streaming_content)
        text = text.decode("utf-8-sig")
        return text.index("Bùi Văn An") < text.index("Lê Minh Ánh")

    assert exported("ten") and not exported("ten-za")


def test_the_allocation_list_sorts_by_amount_and_date_and_keeps_its_status_filter(
    cast, login, funded
):
    for amount, no in ((1_500_000, "QD-1"), (9_000_000, "QD-2"), (300_000, "QD-3")):
        actions.propose_allocation(
            cast.root,
            organisation=cast.central,
            campaign=funded,
            amount=amount,
            decision_no=no,
            decision_date=funded.launch_date,
            target_organisation=cast.hanoi,
        )
    client = login(cast.tw_manager)

    def amounts(query):
        return [a.amount for a in client.get(f"/cuu-tro/phan-bo/{query}").context["page"]]

    assert amounts("?sort=lon") == [9_000_000, 1_500_000, 300_000]
    assert amounts("?sort=nho") == [300_000, 1_500_000, 9_000_000]
    assert amounts("?sort=moi") == [300_000, 9_000_000, 1_500_000]  # same day: newest first
    assert amounts("?sort=x'--") == amounts("?sort=moi")
    assert amounts("?status=executed&sort=lon") == []
    html = client.get("/cuu-tro/phan-bo/?status=proposed&sort=lon").content.decode()
    money = head(html, "Số tiền")
    assert 'aria-sort="descending"' in money
    assert 'href="?status=proposed&amp;sort=nho"' in money
    assert 'href="?status=proposed&amp;sort=moi"' in head(html, "Quyết định")
    text = b"".join(client.get("/cuu-tro/phan-bo/?sort=nho&format=csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert text.index("QD-3") < text.index("QD-1") < text.index("QD-2")
    # the relief home page shows the same table without sort links
    assert "sort-head" not in client.get("/cuu-tro/").content.decode()
