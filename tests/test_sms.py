"""Text messages (lib.sms): the HTTP gateway backend against a real local HTTP server (method,
JSON body, bearer token; a 500, a redirect, no answer), the console backend, "not available"
refusing; blood reminders choosing email or SMS per donor through the real task queue, a
rollback sending nothing, a gateway failure leaving no Reminder row that claims a message;
the self-service code by SMS to the typed phone; the users' "sms" notification channel."""

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django_tasks import TaskResultStatus

from nhandao.blood import due
from nhandao.blood.models import DriveStatus, Reminder
from nhandao.lib import notify, sms
from nhandao.lib.models import Notification
from tests.test_blood import frozen_today, give, make_donor, make_drive  # noqa: F401

GATEWAY = "nhandao.lib.sms.HttpGatewayBackend"


class Gateway:
    """A real HTTP server on 127.0.0.1 standing for the SMS gateway: it keeps every request
    (method, path, headers, JSON body) and answers `status` (or `fail_from`: 500 from that
    request on; `hang`: no answer until the test ends)."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.fail_from = None
        self.hang = False
        self.released = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append(
                    {"method": self.command, "path": self.path,
                     "headers": dict(self.headers), "json": json.loads(body)}
                )  # fmt: skip
                if gateway.hang:
                    gateway.released.wait()
                    return
                status = gateway.status
                if gateway.fail_from is not None and len(gateway.requests) >= gateway.fail_from:
                    status = 500
                answer = b'{"error": "het han muc"}' if status >= 400 else b'{"id": "1"}'
                self.send_response(status)
                if status in (301, 302, 303, 307):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def gateway(settings):
    """The local gateway, configured as production would (SMS_* settings)."""
    server = Gateway()
    settings.SMS_BACKEND = GATEWAY
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_TOKEN = "bi-mat-123"
    settings.SMS_SENDER = "HOICTD"
    settings.SMS_GATEWAY_TIMEOUT = 5
    yield server
    server.close()


# --- lib.sms ----------------------------------------------------------------------------------


def test_texts_go_out_unaccented_on_one_line():
    assert sms.plain("Hội Chữ thập đỏ “ĐÀ NẴNG” – 1.500.000 ₫\n  Ðình") == (
        'Hoi Chu thap do "DA NANG" - 1.500.000 d Dinh'
    )
    assert sms.plain("Mã ✓") == "Ma ?"
    assert sms.segments("a" * 160) == 1 and sms.segments("ă" * 161) == 2
    assert sms.shorten("Nhà văn hóa", 8) == "Nhà v..." and sms.shorten("ngắn", 8) == "ngắn"


def test_the_gateway_backend_posts_json_with_the_bearer_token(gateway):
    assert sms.available()
    assert sms.send_many([("0911 555 666", "Mã tra cứu: 123456"), ("+84911555667", "Chào")]) == 2
    first, second = gateway.requests
    assert first["method"] == "POST" and first["path"] == "/sms/send"
    assert first["headers"]["Authorization"] == "Bearer bi-mat-123"
    assert first["headers"]["Content-Type"].startswith("application/json")
    assert first["json"] == {"to": "0911555666", "text": "Ma tra cuu: 123456", "sender": "HOICTD"}
    assert second["json"]["to"] == "0911555667"


def test_a_500_from_the_gateway_raises_and_says_how_many_went(gateway):
    gateway.fail_from = 2
    with pytest.raises(sms.SmsError) as raised:
        sms.send_many([("0911555666", "Một"), ("0911555667", "Hai"), ("0911555668", "Ba")])
    assert "500" in raised.value.message and "het han muc" in raised.value.message
    assert raised.value.sent == 1
    assert len(gateway.requests) == 2  # stopped at the failure: the third was not tried


def test_a_redirect_is_not_taken_for_a_sent_message(gateway):
    gateway.status = 302
    with pytest.raises(sms.SmsError, match="302"):
        sms.send_sms("0911555666", "Xin chào")
    assert len(gateway.requests) == 1  # the POST was not repeated as a GET elsewhere


def test_a_gateway_that_does_not_answer_raises_after_the_timeout(gateway, settings):
    gateway.hang = True
    settings.SMS_GATEWAY_TIMEOUT = 0.2
    with pytest.raises(sms.SmsError, match="Không gửi được tới cổng SMS"):
        sms.send_sms("0911555666", "Xin chào")


def test_a_gateway_address_must_be_http(settings):
    settings.SMS_BACKEND = GATEWAY
    settings.SMS_GATEWAY_URL = "file:///etc/passwd"
    with pytest.raises(ImproperlyConfigured, match="SMS_GATEWAY_URL"):
        sms.send_sms("0911555666", "Xin chào")


def test_a_bad_phone_sends_nothing(gateway):
    with pytest.raises(ValueError, match="không hợp lệ"):
        sms.send_many([("0911555666", "Một"), ("12345", "Hai")])
    assert gateway.requests == []


def test_without_a_backend_sms_is_not_available_and_nothing_pretends_to_go(settings):
    settings.SMS_BACKEND = ""
    assert not sms.available()
    with pytest.raises(sms.SmsError, match="Chưa cấu hình"):
        sms.send_sms("0911555666", "Xin chào")
    assert sms.outbox == []


def test_the_console_backend_prints_each_message(settings, capsys):
    settings.SMS_BACKEND = "nhandao.lib.sms.ConsoleBackend"
    sms.send_sms("0911 555 666", "Mã tra cứu: 123456")
    out = capsys.readouterr().out
    assert "SMS tới 0911555666 (1 tin):\nMa tra cuu: 123456\n" + "-" * 79 in out


# --- blood reminders --------------------------------------------------------------------------


def _drive_and_donors(cast):
    """A drive on 20/12/2026 and three donors likely eligible: with an email (and a phone),
    with only a phone, with neither."""
    drive = make_drive(cast, day=date(2026, 12, 20), status=DriveStatus.OPEN)
    drive.address = "Nhà văn hóa phường Ba Đình, số 12 phố Đội Cấn, quận cũ Ba Đình, Hà Nội"
    drive.save()
    by_email = make_donor(cast, "Nguyễn Văn Thư", email="thu@example.vn", phone="0911111111")
    by_sms = make_donor(cast, "Trần Thị Tin", phone="0922222222")
    by_call = make_donor(cast, "Lê Văn Gọi")
    for donor in (by_email, by_sms, by_call):
        give(cast, donor, date(2026, 9, 1))
    return drive, by_email, by_sms, by_call


def test_reminders_go_by_email_or_sms_per_donor_after_commit(cast, tasks):
    drive, by_email, by_sms, by_call = _drive_and_donors(cast)
    assert due.send_reminders(cast.ba_dinh_officer, drive) == {"email": 1, "sms": 1}
    assert mail.outbox == [] and sms.outbox == [] and not Reminder.objects.exists()
    tasks.run()
    assert [m.to for m in mail.outbox] == [["thu@example.vn"]]
    (text,) = sms.outbox
    assert text.to == "0922222222" and len(text.text) <= sms.SEGMENT and text.text.isascii()
    assert "20/12/2026 07:30-11:30" in text.text and text.text.startswith(
        "Hoi CTD Phuong Ba Dinh: moi ban"
    )
    assert text.text.endswith("Khong muon nhan nhac: bao can bo Hoi.")
    channels = dict(Reminder.objects.values_list("donor_id", "channel"))
    assert channels == {by_email.pk: "email", by_sms.pk: "sms"}
    called = {row[0]: row[-1] for row in due.call_list_rows(drive)}
    assert called == {by_email.code: "có", by_sms.code: "có", by_call.code: ""}
    # at most once per drive and donor: nothing left to send
    assert due.send_reminders(cast.ba_dinh_officer, drive) == {"email": 0, "sms": 0}
    tasks.run()
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


def test_without_sms_a_donor_with_only_a_phone_stays_on_the_call_list(cast, tasks, settings):
    settings.SMS_BACKEND = ""
    drive, by_email, by_sms, _ = _drive_and_donors(cast)
    assert due.send_reminders(cast.ba_dinh_officer, drive) == {"email": 1, "sms": 0}
    tasks.run()
    assert sms.outbox == [] and list(Reminder.objects.values_list("donor_id", flat=True)) == [
        by_email.pk
    ]


def test_a_rolled_back_action_sends_no_reminder(cast, tasks):
    drive, *_ = _drive_and_donors(cast)
    with pytest.raises(RuntimeError), transaction.atomic():
        due.send_reminders(cast.ba_dinh_officer, drive)
        raise RuntimeError
    tasks.run()
    assert mail.outbox == [] and sms.outbox == [] and not Reminder.objects.exists()
    assert tasks.results(due.deliver_reminders) == []


def test_two_runs_queued_together_remind_each_donor_once(cast, tasks):
    drive, *_ = _drive_and_donors(cast)
    due.send_reminders(cast.ba_dinh_officer, drive)
    due.send_reminders(cast.ba_dinh_officer, drive)  # a second click before the worker ran
    tasks.run()
    assert len(tasks.results(due.deliver_reminders)) == 2
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1 and Reminder.objects.count() == 2


def test_a_gateway_failure_leaves_no_reminder_claiming_a_message(cast, tasks, gateway):
    drive, by_email, by_sms, _ = _drive_and_donors(cast)
    also_sms = make_donor(cast, "Phạm Văn Nhắn", phone="0933333333")
    give(cast, also_sms, date(2026, 9, 1))
    gateway.status = 500
    assert due.send_reminders(cast.ba_dinh_officer, drive) == {"email": 1, "sms": 2}
    tasks.run()
    (result,) = tasks.results(due.deliver_reminders)
    assert result.status == TaskResultStatus.FAILED
    assert "Không gửi được tin nhắn (Cổng SMS trả lời 500" in result.errors[0].traceback
    assert "2 người chưa được nhắc, vẫn ở danh sách gọi điện" in result.errors[0].traceback
    # the email went and says so; no SMS row; the gateway was asked once, not per donor
    assert list(Reminder.objects.values_list("donor_id", "channel")) == [(by_email.pk, "email")]
    assert len(gateway.requests) == 1 and len(mail.outbox) == 1
    # once the gateway works, the button sends to those two only
    gateway.status = 200
    assert due.send_reminders(cast.ba_dinh_officer, drive) == {"email": 0, "sms": 2}
    tasks.run()
    assert sorted(r["json"]["to"] for r in gateway.requests[1:]) == ["0922222222", "0933333333"]
    assert set(Reminder.objects.filter(channel="sms").values_list("donor_id", flat=True)) == {
        by_sms.pk, also_sms.pk
    }  # fmt: skip
    assert len(mail.outbox) == 1


def test_the_drive_page_button_says_what_is_being_sent(cast, tasks, login):
    drive, *_ = _drive_and_donors(cast)
    client = login(cast.ba_dinh_officer)
    page = client.post(f"/hien-mau/dot/{drive.pk}/nhac-lich/", follow=True).content.decode()
    assert "Đang gửi nhắc lịch: 1 thư điện tử, 1 tin nhắn." in page
    assert "Gửi nhắc lịch</button>" in page
    tasks.run()
    assert Reminder.objects.count() == 2
    assert "đã nhắc 2 người" in client.get(f"/hien-mau/dot/{drive.pk}/").content.decode()


# --- the self-service code --------------------------------------------------------------------

MINE = "/cong-khai/hien-mau/cua-toi/"


def test_the_code_goes_by_sms_to_the_phone_typed(cast, client):
    make_donor(cast, phone="0911555666", email="toi@example.vn")
    answer = client.post(MINE, {"phone": "+84 911 555 666"})
    assert answer.status_code == 200
    (text,) = sms.outbox
    assert text.to == "0911555666" and text.text.startswith("Ma tra cuu lich su hien mau: ")
    assert mail.outbox == []  # not also by email
    assert "@sms.invalid" not in str(mail.outbox)


def test_without_sms_the_code_goes_to_the_email_and_else_nowhere(cast, client, settings):
    settings.SMS_BACKEND = ""
    make_donor(cast, "Có Thư", phone="0911555666", email="toi@example.vn")
    make_donor(cast, "Không Thư", phone="0911555777")
    client.post(MINE, {"phone": "0911555666"})
    client.post(MINE, {"phone": "0911555777"})  # no channel: nothing sent, the page alike
    assert [m.to for m in mail.outbox] == [["toi@example.vn"]]
    assert "Mã tra cứu lịch sử hiến máu của bạn: " in mail.outbox[0].body


def test_when_the_gateway_fails_the_code_goes_to_the_email_and_the_page_is_alike(
    cast, client, gateway
):
    gateway.status = 500
    make_donor(cast, phone="0911555666", email="toi@example.vn")
    answer = client.post(MINE, {"phone": "0911555666"})
    assert answer.status_code == 200
    assert "mã đã được gửi" in answer.content.decode()
    assert len(gateway.requests) == 1 and [m.to for m in mail.outbox] == [["toi@example.vn"]]


# --- users: the "sms" notification channel ------------------------------------------------------


def test_a_user_who_chooses_sms_gets_the_notification_on_their_phone(cast, tasks, login, settings):
    settings.SITE_URL = "https://nhandao.example.vn"
    user = cast.hn_officer
    user.phone = "0912 345 678"
    user.save()
    client = login(user)
    assert 'value="sms"' in client.get(reverse("account")).content.decode()
    client.post(reverse("account"), {"deadlines": ["sms"]})
    (note,) = notify.notify(user, "deadlines", "Hạn nộp báo cáo quý", link="/bao-cao/1/")
    tasks.run()
    (text,) = sms.outbox
    assert text.to == "0912345678"
    assert text.text == "Han nop bao cao quy https://nhandao.example.vn/bao-cao/1/"
    assert Notification.objects.get(pk=note.pk).delivered == ["sms"]


def test_a_user_without_a_phone_gets_no_sms(cast, tasks, login):
    user = cast.hn_officer
    login(user).post(reverse("account"), {"deadlines": ["sms"]})
    (note,) = notify.notify(user, "deadlines", "Hạn nộp")
    tasks.run()
    assert sms.outbox == [] and Notification.objects.get(pk=note.pk).delivered == []
