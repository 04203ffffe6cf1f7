"""Text messages (SMS), the one way the project sends one to a phone. Built like Django's
email backends, so that it reads the same:

    sms.available()                         a backend is configured (else: email, call list)
    sms.send_sms("0911 555 666", "Ma tra cuu: 123456")
    sms.send_many([(phone, text), ...])     → how many the backend took; SmsError at the
                                              first it did not take

settings.SMS_BACKEND names the backend (nhandao/settings.py picks it from the environment):

    ConsoleBackend      development (NHANDAO_DEV): printed on the console, like Django's
                        console email backend
    LocmemBackend       tests: kept in `sms.outbox`, like django.core.mail.outbox
    HttpGatewayBackend  production: one JSON POST per message to SMS_GATEWAY_URL
    ""                  production without a gateway: SMS is not available; callers use
                        email or leave the person on the call list — send_sms() refuses
                        rather than pretend a message went

Every text goes out without diacritics (`plain`): brand-name gateways in Vietnam take only
unaccented text, and an unaccented text fits 160 characters in one segment where a Unicode
one fits 70. Phones are normalised with lib.names.clean_phone (0xxxxxxxxx).
"""

import json
import math
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from nhandao.lib.names import clean_phone
from nhandao.lib.text import unaccent

SEGMENT = 160  # characters of one unaccented (GSM 7-bit) message
LONG_SEGMENT = 153  # …of each part of a longer one (the rest carries the joining header)


class SmsError(Exception):
    """A message was not taken: no backend, or the gateway's answer or the network said no.
    `sent` counts the messages of the same call taken before it."""

    def __init__(self, message: str, sent: int = 0):
        super().__init__(message)
        self.message = message
        self.sent = sent


@dataclass(frozen=True)
class Message:
    to: str  # 0xxxxxxxxx
    text: str  # plain(): unaccented, one line


# typographic characters the GSM alphabet lacks, by what a phone shows instead
_PUNCTUATION = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "₫": "d",
        "\u00a0": " ",
        "→": "->",
        "·": "-",
    }  # fmt: skip
)
_SPACES = re.compile(r"\s+")


def plain(text: str) -> str:
    """The text as sent: no diacritics, typographic marks made plain, anything else not
    ASCII shown as "?", spaces and line breaks collapsed."""
    text = unaccent(text).translate(_PUNCTUATION)
    text = text.encode("ascii", "replace").decode("ascii")
    return _SPACES.sub(" ", text).strip()


def segments(text: str) -> int:
    """How many messages the gateway bills for `text` (as sent: plain())."""
    length = len(plain(text))
    return 1 if length <= SEGMENT else math.ceil(length / LONG_SEGMENT)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, "..." marking the cut."""
    return text if len(text) <= limit else text[: max(limit - 3, 0)].rstrip() + "..."


def available() -> bool:
    return bool(getattr(settings, "SMS_BACKEND", ""))


def get_backend():
    if not available():
        raise SmsError("Chưa cấu hình gửi tin nhắn (SMS_GATEWAY_URL): không gửi được tin nhắn.")
    return import_string(settings.SMS_BACKEND)()


def send_many(messages) -> int:
    """Send [(phone, text), …] in order; returns how many the backend took. A phone that is
    not a Vietnamese number raises ValueError before anything is sent."""
    batch = []
    for phone, text in messages:
        number = clean_phone(phone)
        if not number:
            raise ValueError("Không có số điện thoại để gửi tin nhắn.")
        batch.append(Message(number, plain(text)))
    if not batch:
        return 0
    return get_backend().send_messages(batch)


def send_sms(phone: str, text: str) -> int:
    return send_many([(phone, text)])


class BaseBackend:
    def send_messages(self, messages: list[Message]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Each message printed, then a line of dashes (Django's console email backend)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, messages: list[Message]) -> int:
        with self._lock:
            for message in messages:
                self.stream.write(f"SMS tới {message.to} ({segments(message.text)} tin):\n")
                self.stream.write(f"{message.text}\n{'-' * 79}\n")
            self.stream.flush()
        return len(messages)


# The messages the LocmemBackend took, oldest first; tests/conftest.py empties it before each
# test, as pytest-django does with django.core.mail.outbox.
outbox: list[Message] = []


class LocmemBackend(BaseBackend):
    def send_messages(self, messages: list[Message]) -> int:
        outbox.extend(messages)
        return len(messages)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: urllib would repeat the POST as a GET without its body, and a
    2xx from wherever that lands would read as "sent"."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpGatewayBackend(BaseBackend):
    """One POST per message to SMS_GATEWAY_URL, the JSON body

        {"to": "0911555666", "text": "Ma tra cuu ...", "sender": "HOICTD"}

    ("sender": SMS_SENDER, the registered brand name, left out when empty) with
    `Authorization: Bearer <SMS_GATEWAY_TOKEN>` when a token is set. Any 2xx answer means the
    gateway took the message; any other answer, a redirect, a network error or no answer
    within SMS_GATEWAY_TIMEOUT seconds raises SmsError with the status and the start of the
    answer. A gateway with another shape is reached through a small relay speaking this one.
    """

    def __init__(self, url=None, token=None, sender=None, timeout=None):
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise ImproperlyConfigured(
                f"SMS_GATEWAY_URL must be an http(s) address, not {self.url!r}."
            )
        self.token = token if token is not None else settings.SMS_GATEWAY_TOKEN
        self.sender = sender if sender is not None else settings.SMS_SENDER
        self.timeout = timeout if timeout is not None else settings.SMS_GATEWAY_TIMEOUT
        self.opener = urllib.request.build_opener(_NoRedirect)

    def send_messages(self, messages: list[Message]) -> int:
        sent = 0
        for message in messages:
            try:
                self._post(message)
            except SmsError as error:
                error.sent = sent
                raise
            sent += 1
        return sent

    def _post(self, message: Message) -> None:
        payload = {"to": message.to, "text": message.text}
        if self.sender:
            payload["sender"] = self.sender
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.url, data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as answer:
                answer.read(4096)  # drain it: a gateway may log a request read only in part
                status = answer.status
        except urllib.error.HTTPError as error:
            detail = _SPACES.sub(" ", error.read(300).decode("utf-8", "replace")).strip()
            raise SmsError(f"Cổng SMS trả lời {error.code} {error.reason}: {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise SmsError(f"Không gửi được tới cổng SMS: {reason}") from None
        if not 200 <= status < 300:  # a 1xx or odd status urllib let through
            raise SmsError(f"Cổng SMS trả lời {status}: tin nhắn không được nhận.")
