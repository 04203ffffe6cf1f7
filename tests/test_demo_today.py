"""The demo lives on the day it is built: built on two different days, it has a campaign
receiving that day, a Tết Nhân ái coming and an appeal in distribution with deadlines ahead,
and a commune chapter records a donation dated that day through the form, with the pickers'
defaults (its organisation, today) and a campaign the picker offers."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nhandao.campaigns.models import Campaign
from nhandao.demo import campaigns as demo
from nhandao.donations.models import Donation

HANOI_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def network(cast):
    return {
        "relief_central": cast.front,
        "front_central": cast.front,
        "rc_central": cast.central,
        "rc_province": {"1": cast.hanoi},
        "front_province": {"1": cast.hanoi},
    }


@pytest.mark.parametrize("today", [date(2027, 3, 15), date(2031, 8, 2)])
def test_the_demo_built_on_any_day_lets_a_commune_record_a_donation_dated_that_day(
    cast, login, today
):
    with time_machine.travel(datetime(today.year, today.month, today.day, 9, tzinfo=HANOI_TIME)):
        seeded = demo.seed(cast.root, network(cast))
        month, tet, appeal = seeded["month"], seeded["tet"], seeded["appeal"]
        for campaign in (month, tet, appeal):
            campaign.refresh_from_db()
        assert month.code == f"TND-{today.year}" and month.status == "receiving"
        assert month.launch_date < today < month.receiving_end
        assert tet.status == "draft" and today < tet.launch_date
        assert appeal.status == "distributing" and today < appeal.distribution_end
        assert (appeal.distribution_end - today).days <= 14  # a deadline in the coming days
        # the Yagi appeal keeps its real dates: its statements are real
        assert seeded["yagi"].launch_date == date(2024, 9, 7)
        # status history is written on the build's clock
        assert month.history.latest("pk").at.astimezone(HANOI_TIME).date() == today

        client = login(cast.ba_dinh_accountant)
        page = client.get("/ung-ho/them/cash/").content.decode()
        organisation = re.search(r'<option value="([^"]+)"[^>]*selected', page).group(1)
        received_on = re.search(r'name="received_on" value="([^"]+)"', page).group(1)
        offered = re.findall(r'<option value="([^"]+)"', page[page.index('name="campaign"') :])
        assert organisation == cast.ba_dinh.code and received_on == f"{today:%d/%m/%Y}"
        assert f"TND-{today.year}-HN" in offered and f"TET-{today.year}" not in offered
        response = client.post(
            "/ung-ho/them/cash/",
            {
                "organisation": organisation,
                "campaign": f"TND-{today.year}-HN",
                "received_on": received_on,
                "amount": "500000",
                "donor_kind": "individual",
                "donor_name": "Lê Văn Tâm",
            },
        )
        assert response.status_code == 302, response.content.decode()[-2000:]
        donation = Donation.objects.get(donor_name="Lê Văn Tâm")
        assert donation.received_on == today and donation.organisation == cast.ba_dinh
        assert donation.campaign == Campaign.objects.get(code=f"TND-{today.year}-HN")
