# ruff: noqa: F811  (fixtures are imported from tests/test_relief_fixtures.py by name)
"""Notifications (lib.notify): one row per user shown on the home page and /thong-bao/,
email after commit through the real task queue when the user's preference says so, a
proposal waiting → its approvers, an import done or failed → its uploader; password reset by
email, the whole flow."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from nhandao.beneficiaries import actions as registry_actions
from nhandao.beneficiaries import importers as registry
from nhandao.lib import notify
from nhandao.lib.imports import ImportStatus
from nhandao.lib.models import Notification
from nhandao.relief import actions as relief
from tests.test_relief_fixtures import DAY, funded, yagi  # noqa: F401  (fixtures)

PASSWORD = "một-Mật-khẩu-dài-2026"


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def propose(cast, funded, amount=1_000_000):
    return relief.propose_allocation(
        cast.root,
        organisation=cast.central,
        campaign=funded,
        amount=amount,
        decision_no="7/QĐ",
        decision_date=DAY,
        target_organisation=cast.hanoi,
    )


def test_a_proposal_tells_the_approvers_of_its_organisation_and_emails_them_after_commit(
    cast, funded, tasks
):
    cast.tw_manager.email = "tw@example.vn"
    cast.tw_manager.save()
    allocation = propose(cast, funded)
    notes = Notification.objects.filter(kind="approvals")
    # the central body's leader; not Hà Nội's (below), not the proposer
    assert [n.user for n in notes] == [cast.tw_manager]
    assert notes[0].link == reverse("relief_allocation", args=[allocation.pk])
    assert mail.outbox == []  # nothing is sent before the transaction commits
    tasks.run()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["tw@example.vn"]
    assert "chờ duyệt" in mail.outbox[0].subject
    assert f"/cuu-tro/phan-bo/{allocation.pk}/" in mail.outbox[0].body
    assert Notification.objects.get(pk=notes[0].pk).delivered == ["email"]
    # delivering again sends nothing twice
    notify.deliver.call(notes[0].pk)
    assert len(mail.outbox) == 1


def test_a_second_approval_is_asked_of_the_other_approvers_only(cast, funded):
    from nhandao.orgs import actions as org_actions
    from nhandao.orgs.models import RoleKind

    deputy = type(cast.tw_manager).objects.create_user("deputy", password=PASSWORD)
    org_actions.grant_role(cast.root, deputy, cast.central, RoleKind.MANAGER)
    relief.set_threshold(cast.root, cast.central, 500_000)
    allocation = propose(cast, funded)
    first = Notification.objects.exclude(subject__contains="lần 2")
    assert {n.user for n in first} == {cast.tw_manager, deputy}
    relief.approve_allocation(cast.tw_manager, allocation)
    second = Notification.objects.filter(subject__contains="lần 2")
    assert [n.user for n in second] == [deputy]  # never the first approver again


def test_a_rolled_back_action_leaves_no_notification_and_no_email(cast, tasks):
    cast.tw_manager.email = "tw@example.vn"
    cast.tw_manager.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify.notify([cast.tw_manager], "deadlines", "Hạn nộp báo cáo")
        raise RuntimeError
    tasks.run()
    assert not Notification.objects.exists() and mail.outbox == []


def test_without_email_chosen_the_notification_is_only_on_the_page(cast, tasks, login):
    cast.tw_manager.email = "tw@example.vn"
    cast.tw_manager.save()
    client = login(cast.tw_manager)
    response = client.post(reverse("account"), {"imports": ["email"]})  # approvals unticked
    assert response.status_code == 302
    assert notify.channels_for(cast.tw_manager, "approvals") == []
    assert notify.channels_for(cast.tw_manager, "imports") == ["email"]
    notify.notify(cast.tw_manager, "approvals", "Phân bổ chờ duyệt")
    tasks.run()
    assert mail.outbox == []
    page = client.get(reverse("home")).content.decode()
    assert "Phân bổ chờ duyệt" in page and "1 chưa đọc" in page
    assert "checked" in client.get(reverse("account")).content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(cast, login):
    (note,) = notify.notify(cast.hn_officer, "deadlines", "Hạn báo cáo", "x", "/cuu-tro/phan-bo/")
    (other,) = notify.notify(cast.hn_viewer, "deadlines", "Của người khác")
    client = login(cast.hn_officer)
    assert "Hạn báo cáo" in client.get(reverse("notifications")).content.decode()
    response = client.post(reverse("notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/cuu-tro/phan-bo/"
    note.refresh_from_db()
    assert note.read_at is not None
    # another user's notification is not found, and stays unread
    assert client.post(reverse("notification_open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_an_external_link_is_never_followed(cast, login):
    (note,) = notify.notify(cast.hn_officer, "deadlines", "x", "", "https://evil.example/")
    response = login(cast.hn_officer).post(reverse("notification_open", args=[note.pk]))
    assert response["Location"] == reverse("notifications")


def test_mark_all_read(cast, login):
    notify.notify(cast.hn_officer, "deadlines", "a")
    notify.notify(cast.hn_officer, "deadlines", "b")
    login(cast.hn_officer).post(reverse("notifications_read"))
    assert not notify.unread(cast.hn_officer).exists()


def test_an_unknown_kind_is_a_programming_error(cast):
    with pytest.raises(ValueError):
        notify.notify(cast.hn_officer, "gossip", "x")


def test_an_import_that_ends_tells_its_uploader_done_or_failed(cast, tasks):
    cast.ba_dinh_officer.email = "bd@example.vn"
    cast.ba_dinh_officer.save()
    header = "Mã nguồn,Họ và tên,Giới tính,Ngày sinh,Mã xã/phường\n"
    bad = registry_actions.upload_list(
        cast.ba_dinh_officer, cast.ba_dinh, "hong.csv", b"khong phai bang\x00\x01"
    )
    tasks.run()
    bad.refresh_from_db()
    assert bad.status == ImportStatus.FAILED
    good = registry.start(
        cast.ba_dinh_officer,
        cast.ba_dinh,
        "ds.csv",
        (header + "D1,Ngô Văn Long,Nam,1981,4\n").encode(),
    )
    registry.check_here(good)
    registry.commit_here(cast.ba_dinh_officer, good)
    good.refresh_from_db()
    assert good.status == ImportStatus.DONE
    tasks.run()
    notes = {n.subject: n for n in Notification.objects.filter(user=cast.ba_dinh_officer)}
    assert set(notes) == {"Không nhập được tệp “hong.csv”", "Đã nhập xong tệp “ds.csv”"}
    assert notes["Đã nhập xong tệp “ds.csv”"].link == reverse("import_detail", args=[good.pk])
    assert "Nhận 1 dòng" in notes["Đã nhập xong tệp “ds.csv”"].body
    assert sorted(m.subject for m in mail.outbox) == sorted(notes)


class Pigeon:
    """A channel as an SMS or Zalo plug-in would be written (registered, then chosen)."""

    name = "pigeon"
    label = "Bồ câu"

    def __init__(self):
        self.sent = []

    def available(self, user):
        return True

    def send(self, notification):
        self.sent.append(notification.subject)


def test_a_registered_channel_is_offered_and_used(cast, tasks, login, monkeypatch):
    pigeon = Pigeon()
    monkeypatch.setitem(notify.CHANNELS, "pigeon", pigeon)
    client = login(cast.hn_officer)
    assert 'value="pigeon"' in client.get(reverse("account")).content.decode()
    client.post(reverse("account"), {"deadlines": ["pigeon"]})
    notify.notify(cast.hn_officer, "deadlines", "Hạn nộp")
    tasks.run()
    assert pigeon.sent == ["Hạn nộp"]
    assert mail.outbox == []  # email was unticked for this kind


# ---- password reset by email ----------------------------------------------------------------


def test_password_reset_by_email_the_whole_way(cast, client):
    user = cast.hn_officer
    user.email = "hn@example.vn"
    user.save()
    from nhandao.accounts.models import ApiToken, TokenScope

    token, _raw = ApiToken.issue(user, "script", scope=TokenScope.READ, days=30)
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page
    response = client.post(reverse("password_reset"), {"email": "hn@example.vn"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hn@example.vn"] and message.subject == "Đặt lại mật khẩu nhandao"
    link = re.search(r"https?://[^/\s]+(/dat-lai-mat-khau/\S+/)", message.body).group(1)
    # Django redirects the token link to a "set-password" URL that holds the token in session
    response = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    token.refresh_from_db()
    assert token.revoked_at is not None  # a new password ends the old tokens
    # the link works once
    assert "không còn dùng được" in client.get(link, follow=True).content.decode()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302  # logged in with the new password


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, cast):
    response = client.post(reverse("password_reset"), {"email": "ai@example.vn"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_account_and_notification_pages_need_a_login(client):
    for name in ("account", "notifications"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
