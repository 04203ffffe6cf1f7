"""Login, logout, password change, lockout, API tokens."""

from nhandao.accounts.models import ApiToken
from nhandao.audit.models import AuditEvent
from tests.conftest import PASSWORD


def test_a_user_logs_in_and_lands_on_their_organisation(cast, client):
    response = client.post(
        "/dang-nhap/", {"username": "ba_dinh_officer", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "Hội Chữ thập đỏ Phường Ba Đình" in response.content.decode()


def test_a_wrong_password_is_refused_in_vietnamese(cast, client):
    response = client.post("/dang-nhap/", {"username": "ba_dinh_officer", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(cast, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/dang-nhap/", {"username": "hn_officer", "password": "sai"})
    response = client.post("/dang-nhap/", {"username": "hn_officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(cast, login):
    client = login(cast.hn_officer)
    client.post("/dang-xuat/")
    assert client.get("/").status_code == 302


def test_a_password_change_is_audited(cast, login):
    client = login(cast.hn_officer)
    response = client.post(
        "/doi-mat-khau/",
        {
            "old_password": PASSWORD,
            "new_password1": "Mot-mat-khau-moi-2026",
            "new_password2": "Mot-mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    cast.hn_officer.refresh_from_db()
    assert cast.hn_officer.check_password("Mot-mat-khau-moi-2026")
    assert AuditEvent.objects.filter(action="user.password_change", actor=cast.hn_officer).exists()


def test_a_bearer_token_authenticates_api_calls_and_only_its_hash_is_stored(cast, client):
    token, raw = ApiToken.issue(cast.ba_dinh_officer, "script", scope="read", days=30)
    assert raw not in token.key_hash
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "ba_dinh_officer"
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer nd_forged").status_code == 401


def test_an_org_admin_creates_a_user_with_a_role_in_their_subtree(cast, login):
    client = login(cast.hn_admin)
    response = client.post(
        f"/to-chuc/{cast.hanoi.pk}/nguoi-dung/",
        {
            "form": "create",
            "username": "ngoc_ha_ketoan",
            "full_name": "Trần Thị Lan",
            "password": "Mat-khau-rat-dai-2026",
            "organisation": "CTD-X8",
            "role": "accountant",
        },
    )
    assert response.status_code == 302
    assert cast.ngoc_ha.roles.filter(user__username="ngoc_ha_ketoan").exists()
