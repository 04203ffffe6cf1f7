# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""The campaign page shows where and when goods are received, and lets anyone open the
decision document of a public allocation (approved and carried out) — and nothing else: a
proposal, a decision waiting for its second approver, a refused or cancelled one, another
campaign's decision or a draft campaign's gives 404."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nhandao.campaigns import actions as campaign_actions
from nhandao.relief import actions
from nhandao.relief.models import AllocationStatus
from tests.test_relief_fixtures import (  # noqa: F401  (fixtures)
    DAY,
    donate,
    funded,
    make_campaign,
    yagi,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def propose(cast, campaign, *, no="45/QĐ-CTĐ", name="quyet-dinh-45.pdf", content=PDF, **kw):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf") if name else None
    return actions.propose_allocation(
        cast.root,
        organisation=cast.central,
        campaign=campaign,
        amount=kw.pop("amount", 1_000_000),
        decision_no=no,
        decision_date=DAY,
        target_organisation=kw.pop("target", cast.hanoi),
        decision_file=upload,
        **kw,
    )


def executed(cast, campaign, **kw):
    allocation = actions.approve_allocation(cast.tw_manager, propose(cast, campaign, **kw))
    assert allocation.status == AllocationStatus.EXECUTED
    return allocation


def document_url(campaign, allocation):
    return reverse("portal_decision", args=[campaign.code, allocation.pk])


def test_a_public_decision_is_linked_from_the_campaign_page_and_opens_for_anyone(
    client, cast, funded
):
    allocation = executed(cast, funded)
    body = client.get(reverse("portal_campaign", args=[funded.code])).content.decode()
    url = document_url(funded, allocation)
    assert f'href="{url}"' in body and "45/QĐ-CTĐ" in body
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="quyet-dinh-45-qd-ctd.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_the_api_lists_the_decisions_with_their_document_address(client, cast, funded):
    allocation = executed(cast, funded)
    executed(cast, funded, no="46/QĐ-CTĐ", name=None)  # a decision without a document
    detail = client.get(f"/api/public/campaigns/{funded.code}").json()
    urls = {d["decision_no"]: d["document_url"] for d in detail["decisions"]}
    assert urls == {"45/QĐ-CTĐ": document_url(funded, allocation), "46/QĐ-CTĐ": None}


def test_a_decision_without_a_file_has_no_link_and_its_address_is_404(client, cast, funded):
    allocation = executed(cast, funded, name=None)
    body = client.get(reverse("portal_campaign", args=[funded.code])).content.decode()
    assert "45/QĐ-CTĐ" in body and "xem văn bản" not in body
    assert client.get(document_url(funded, allocation)).status_code == 404


@pytest.mark.parametrize("step", ["proposed", "first_approved", "rejected", "cancelled"])
def test_a_decision_that_is_not_public_is_404(client, cast, funded, step):
    if step == "first_approved":
        actions.set_threshold(cast.root, cast.central, 500_000)
    allocation = propose(cast, funded)
    if step == "first_approved":
        allocation = actions.approve_allocation(cast.tw_manager, allocation)
    elif step == "rejected":
        allocation = actions.reject_allocation(cast.tw_manager, allocation, "Sai số liệu")
    elif step == "cancelled":
        allocation = actions.cancel_allocation(cast.root, allocation, "Lập lại")
    assert allocation.status == step and allocation.decision_file
    assert client.get(document_url(funded, allocation)).status_code == 404
    body = client.get(reverse("portal_campaign", args=[funded.code])).content.decode()
    assert document_url(funded, allocation) not in body


def test_another_campaigns_decision_or_an_unknown_id_is_404(client, cast, funded):
    other = make_campaign(cast.root, cast.central, code="LU-2024")
    donate(cast.central, other, 5_000_000)
    theirs = executed(cast, other)
    assert client.get(document_url(other, theirs)).status_code == 200
    assert client.get(document_url(funded, theirs)).status_code == 404
    assert client.get(reverse("portal_decision", args=[funded.code, 999_999])).status_code == 404


def test_a_draft_campaigns_decision_is_404(client, cast, funded):
    allocation = executed(cast, funded)
    # no action moves a campaign back to draft; the rule must hold whatever the data says
    type(funded).objects.filter(pk=funded.pk).update(status="draft")
    assert client.get(document_url(funded, allocation)).status_code == 404


def test_a_file_gone_from_the_server_is_404_not_an_error(client, cast, funded):
    allocation = executed(cast, funded)
    allocation.decision_file.storage.delete(allocation.decision_file.name)
    assert client.get(document_url(funded, allocation)).status_code == 404


def test_a_web_page_uploaded_as_a_decision_is_only_downloaded(client, cast, funded):
    page = b"<html><script>alert(1)</script></html>"
    allocation = executed(cast, funded, name="qd.html", content=page)
    response = client.get(document_url(funded, allocation))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_campaign_page_shows_where_and_when_goods_are_received(client, cast, yagi):
    body = client.get(reverse("portal_campaign", args=[yagi.code])).content.decode()
    assert 'id="goods-dropoff"' not in body  # nothing entered: the organiser's address only
    assert "Mang đến tại <b>" in body
    campaign_actions.update_campaign(
        cast.root,
        yagi,
        goods_dropoff="Kho 12 Trần Hưng Đạo, 7h–17h hằng ngày\nCần: nước sạch, áo phao <b>",
    )
    cache.clear()  # the page is cached for a minute
    body = client.get(reverse("portal_campaign", args=[yagi.code])).content.decode()
    assert 'id="goods-dropoff"' in body
    assert "Kho 12 Trần Hưng Đạo, 7h–17h hằng ngày<br>Cần: nước sạch, áo phao &lt;b&gt;" in body
    detail = client.get(f"/api/public/campaigns/{yagi.code}").json()
    assert detail["goods_dropoff"].startswith("Kho 12 Trần Hưng Đạo")
