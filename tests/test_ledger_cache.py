"""The public signed ledger: built and signed once per version of the books, served from the
cache, rebuilt when an entry, a donor's consent or the signing key changes; rate-limited."""

import json
from datetime import date

import pytest
from django.urls import reverse

from nhandao.donations import actions
from nhandao.donations.models import Channel, Donor
from nhandao.donations.receipts import keys
from nhandao.portal import ledger_export
from tests import test_portal_common as common

fresh_cache, statements, vcb, yagi = common.fresh_cache, common.statements, common.vcb, common.yagi

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    count = []
    real = ledger_export.export

    def counting(campaign):
        count.append(campaign.pk)
        return real(campaign)

    monkeypatch.setattr(ledger_export, "export", counting)
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "off")
    return count


def get(client, campaign):
    response = client.get(reverse("portal_ledger", args=[campaign.code]))
    assert response.status_code == 200
    return response.content


def entries(data: bytes) -> int:
    return sum(len(a["entries"]) for a in json.loads(data)["accounts"])


def test_the_ledger_is_built_once_then_served_from_the_cache(
    fresh_cache, client, statements, yagi, builds
):
    first = get(client, yagi)
    assert get(client, yagi) == first and len(builds) == 1
    assert ledger_export.verify_bytes(first).ok


def test_a_new_entry_or_a_consent_or_a_new_key_gives_a_new_document(
    fresh_cache, client, cast, statements, yagi, builds
):
    first = get(client, yagi)
    donor = Donor.objects.create(
        organisation=cast.front, name="Phạm Văn Mới", name_key="pham van moi"
    )
    actions.record_donation(
        cast.root,
        organisation=cast.front,
        channel=Channel.CASH,
        received_on=date(2024, 9, 5),
        amount=3_000_000,
        campaign=yagi,
        donor=donor,
    )
    second = get(client, yagi)
    assert len(builds) == 2 and entries(second) == entries(first) + 1
    assert "Phạm Văn Mới" not in second.decode()  # no consent: withheld
    Donor.objects.filter(pk=donor.pk).update(consent_publish=True)
    third = get(client, yagi)
    assert len(builds) == 3
    keys.rotate_signing_key(yagi.organisation)
    fourth = get(client, yagi)
    assert (
        len(builds) == 4
        and json.loads(fourth)["signature"]["key_id"] != json.loads(third)["signature"]["key_id"]
    )
    assert get(client, yagi) == fourth and len(builds) == 4


def test_the_ledger_is_rate_limited_per_client(fresh_cache, client, statements, yagi, monkeypatch):
    monkeypatch.setenv("PORTAL_RATE_LIMITS", "ledger=2/60")
    url = reverse("portal_ledger", args=[yagi.code])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
