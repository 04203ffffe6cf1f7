# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The back office's campaign page and GET /api/campaigns/{id} read relief.figures (decision
0023) and take a period (from–to): what was received in it, by channel and by day."""

import re
from datetime import date

import pytest
from django.urls import reverse

from nhandao.relief import figures
from tests.test_relief_fixtures import donate, make_campaign, yagi  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def days(cast, yagi):
    for day, amount in ((10, 1_000_000), (11, 2_000_000), (12, 4_000_000)):
        donate(cast.central, yagi, amount, day=date(2024, 9, day))
    return yagi


def received(html: str) -> str:
    return re.search(r'id="received-total">([^<]+)<', html).group(1)


def test_the_page_shows_the_whole_campaign_or_a_period(cast, login, days):
    client = login(cast.root)
    url = reverse("campaign_detail", args=[days.pk])
    whole = client.get(url).content.decode()
    assert received(whole) == "7.000.000 ₫"
    assert received(whole) == f"{figures.campaign_figures(days).total.received:,} ₫".replace(
        ",", "."
    )  # the portal's figure
    part = client.get(url, {"tu": "11/09/2024", "den": "12/09/2024"}).content.decode()
    assert received(part) == "6.000.000 ₫"
    assert "từ 11/09/2024 đến 12/09/2024" in part
    assert "10/09/2024" not in part.split('id="by-day"')[1].split("</table>")[0]
    opened = client.get(url, {"den": "10/09/2024"}).content.decode()
    assert received(opened) == "1.000.000 ₫" and "từ đầu đến 10/09/2024" in opened


def test_a_bad_period_is_refused_in_words_and_the_whole_campaign_shown(cast, login, days):
    client = login(cast.root)
    url = reverse("campaign_detail", args=[days.pk])
    bad = client.get(url, {"tu": "32/13/2024"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy" in body
    assert received(body) == "7.000.000 ₫"
    reversed_ = client.get(url, {"tu": "12/09/2024", "den": "10/09/2024"}).content.decode()
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in reversed_


def test_the_api_takes_a_period(cast, login, days):
    client = login(cast.root)
    whole = client.get(f"/api/campaigns/{days.pk}").json()
    assert (whole["received"], whole["donations"]) == (7_000_000, 3)
    part = client.get(f"/api/campaigns/{days.pk}?start=2024-09-11&end=2024-09-11").json()
    assert (part["received"], part["donations"]) == (2_000_000, 1)
    assert [d["received_on"] for d in part["by_day"]] == ["2024-09-11"]
    bad = client.get(f"/api/campaigns/{days.pk}?start=2024-09-12&end=2024-09-10")
    assert bad.status_code == 422
    assert bad.json()["errors"]["den"] == ["Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."]
