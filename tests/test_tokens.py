"""API tokens: named, hashed at rest, expiring, scoped (read/write), listed and revoked by
their owner and by org admins, revoked on password change, shown once and never through the
messages cookie."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from nhandao.accounts import actions
from nhandao.accounts.models import ApiToken
from nhandao.audit.models import AuditEvent
from nhandao.lib.errors import Refused


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_is_named_hashed_and_shown_once_in_the_page_not_in_a_cookie(cast, login):
    client = login(cast.ba_dinh_officer)
    response = client.post("/khoa-api/tao/", {"name": "báo cáo", "scope": "read", "days": "30"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=cast.ba_dinh_officer)
    page = response.content.decode()
    raw = page.split('id="new-token"')[1].split("<code")[1].split(">")[1].split("<")[0]
    assert raw.startswith("nd_") and raw.startswith(token.prefix)
    assert raw not in token.key_hash and token.name == "báo cáo" and token.scope == "read"
    assert all(raw not in morsel.value for morsel in response.cookies.values())
    assert raw not in client.get("/khoa-api/").content.decode()  # never again
    assert (token.expires_at - timezone.now()).days in (29, 30)
    assert AuditEvent.objects.filter(action="token.issue", object_id=str(token.pk)).exists()


def test_bad_token_requests_are_refused_in_vietnamese(cast):
    with pytest.raises(Refused, match="Tên khóa"):
        actions.issue_token(cast.hn_officer, "  ")
    with pytest.raises(Refused, match="Quyền"):
        actions.issue_token(cast.hn_officer, "x", scope="admin")
    with pytest.raises(Refused, match="Thời hạn"):
        actions.issue_token(cast.hn_officer, "x", days=10_000)


def test_a_read_token_reads_but_never_writes(cast, client):
    raw = actions.issue_token(cast.hn_officer, "đọc", scope="read")
    assert client.get("/api/me", **bearer(raw)).status_code == 200
    assert (
        client.post("/api/orgs", {}, content_type="application/json", **bearer(raw)).status_code
        == 403
    )
    write = actions.issue_token(cast.hn_officer, "ghi", scope="write")
    assert (
        client.post("/api/orgs", {}, content_type="application/json", **bearer(write)).status_code
        != 403
    )


def test_an_expired_token_no_longer_works(cast, client):
    raw = actions.issue_token(cast.hn_officer, "ngắn", days=30)
    assert client.get("/api/me", **bearer(raw)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert client.get("/api/me", **bearer(raw)).status_code == 401


def test_the_owner_revokes_their_token(cast, login):
    raw = actions.issue_token(cast.hn_officer, "cũ")
    token = ApiToken.objects.get(user=cast.hn_officer)
    owner = login(cast.hn_officer)
    assert owner.post(f"/khoa-api/{token.pk}/thu-hoi/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == cast.hn_officer
    assert Client().get("/api/me", **bearer(raw)).status_code == 401  # no session: the token
    assert AuditEvent.objects.filter(action="token.revoke").exists()


def test_an_org_admin_sees_and_revokes_tokens_of_their_users_only(cast, login):
    actions.issue_token(cast.ba_dinh_officer, "của xã")  # Ba Đình is within Hà Nội
    actions.issue_token(cast.tq_officer, "tỉnh khác")  # Tuyên Quang is not
    inside = ApiToken.objects.get(user=cast.ba_dinh_officer)
    outside = ApiToken.objects.get(user=cast.tq_officer)
    admin = login(cast.hn_admin)
    page = admin.get("/khoa-api/").content.decode()
    assert "của xã" in page and "tỉnh khác" not in page
    assert admin.post(f"/khoa-api/{outside.pk}/thu-hoi/").status_code == 404
    assert admin.post(f"/khoa-api/{inside.pk}/thu-hoi/").status_code == 302
    inside.refresh_from_db(), outside.refresh_from_db()
    assert inside.revoked_by == cast.hn_admin and outside.revoked_at is None
    # an officer is no admin: another user's token is out of reach
    other = login(cast.ngoc_ha_officer)
    assert other.post(f"/khoa-api/{outside.pk}/thu-hoi/").status_code == 404


def test_a_password_change_revokes_every_token(cast, client):
    raw = actions.issue_token(cast.hn_officer, "script", scope="write")
    cast.hn_officer.set_password("Mot-mat-khau-moi-2026")
    cast.hn_officer.save()
    assert client.get("/api/me", **bearer(raw)).status_code == 401
    assert ApiToken.objects.get(user=cast.hn_officer).state == "đã thu hồi"
    # a save without a new password leaves new tokens alone
    again = actions.issue_token(cast.hn_officer, "mới")
    cast.hn_officer.full_name = "Tên mới"
    cast.hn_officer.save()
    assert client.get("/api/me", **bearer(again)).status_code == 200
