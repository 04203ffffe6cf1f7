"""Keys: SECRET_KEY required outside development, signing keys wrapped by a separate
key-encryption key (KEK), KEK rotation and signing-key rotation with old receipts still
verifying."""

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from nhandao.campaigns import actions as campaign_actions
from nhandao.donations import actions, receipts
from nhandao.donations.models import SigningKey
from nhandao.lib import kek
from nhandao.settings import DEV_SECRET_KEY, secret_key

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_kek(monkeypatch):
    for name in ("NHANDAO_KEK", "NHANDAO_KEK_PREVIOUS", "NHANDAO_KEK_FILE"):
        monkeypatch.delenv(name, raising=False)


def receipt_for(cast, code="LU-KEY"):
    appeal = campaign_actions.create_campaign(
        cast.root,
        code=code,
        name="Ủng hộ lũ",
        kind="appeal",
        organisation=cast.hanoi,
        launch_date=date(2024, 9, 8),
        status="receiving",
    )
    donation = actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        channel="cash",
        received_on=date(2024, 9, 10),
        amount=1_500_000,
        campaign=appeal,
        donor_name="Lê Thị Mai",
    )
    return receipts.issue(cast.root, donation)


# --- SECRET_KEY ----------------------------------------------------------------------------


def test_secret_key_is_required_outside_development():
    for environ in ({}, {"SECRET_KEY": DEV_SECRET_KEY}, {"SECRET_KEY": "short"}):
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
            secret_key(environ, dev=False)
    good = "x" * 60
    assert secret_key({"SECRET_KEY": good}, dev=False) == good
    assert secret_key({}, dev=True) == DEV_SECRET_KEY


def test_secret_key_can_come_from_a_file(tmp_path):
    path = tmp_path / "secret"
    path.write_text("y" * 60 + "\n")
    assert secret_key({"SECRET_KEY_FILE": str(path)}, dev=False) == "y" * 60


def test_the_command_refuses_to_start_with_the_default_key_outside_development():
    env = {k: v for k, v in os.environ.items() if k not in {"NHANDAO_DEV", "SECRET_KEY"}}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "nhandao.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "SECRET_KEY is required" in done.stderr
    env["NHANDAO_DEV"] = "1"
    assert (
        subprocess.run(
            [sys.executable, "-m", "nhandao.cli", "check"],
            env=env,
            capture_output=True,
            timeout=120,
        ).returncode
        == 0
    )


# --- the KEK -------------------------------------------------------------------------------


def test_a_kek_must_be_32_bytes_of_base64(monkeypatch):
    monkeypatch.setenv("NHANDAO_KEK", "correct horse battery staple")
    with pytest.raises(ImproperlyConfigured, match="base64"):
        kek.current()
    monkeypatch.setenv("NHANDAO_KEK", "c2hvcnQ")  # "short"
    with pytest.raises(ImproperlyConfigured, match="32 random bytes"):
        kek.current()
    monkeypatch.setenv("NHANDAO_KEK", kek.generate())
    assert len(kek.current().key) == 32


def test_without_a_kek_production_refuses_to_wrap(settings):
    settings.NHANDAO_DEV = False
    with pytest.raises(ImproperlyConfigured, match="NHANDAO_KEK"):
        kek.wrap(b"secret", b"ctx")
    settings.NHANDAO_DEV = True
    assert kek.unwrap(kek.wrap(b"secret", b"ctx"), b"ctx") == b"secret"


def test_signing_keys_are_wrapped_by_the_kek_not_by_secret_key(cast, monkeypatch, settings):
    monkeypatch.setenv("NHANDAO_KEK", kek.generate())
    receipt = receipt_for(cast)
    key = SigningKey.objects.get(organisation=cast.hanoi)
    assert key.private_key_encrypted.startswith(f"k1.{kek.current().kek_id}.")
    assert receipts.verify(receipt.code).genuine
    # a database copy with SECRET_KEY but not the KEK cannot sign
    monkeypatch.delenv("NHANDAO_KEK")
    with pytest.raises(kek.KeyUnavailable):
        receipts.sign(key, "anything")


def test_kek_file_first_line_current_then_previous(cast, monkeypatch, tmp_path):
    old, new = kek.generate(), kek.generate()
    monkeypatch.setenv("NHANDAO_KEK", old)
    receipt = receipt_for(cast)
    monkeypatch.delenv("NHANDAO_KEK")
    path = tmp_path / "kek"
    path.write_text(f"# current first\n{new}\n{old}\n")
    monkeypatch.setenv("NHANDAO_KEK_FILE", str(path))
    out = StringIO()
    call_command("rotate_keys", "--rewrap", stdout=out)
    assert "Đã bọc lại 1 khóa ký" in out.getvalue()
    key = SigningKey.objects.get(organisation=cast.hanoi)
    assert key.private_key_encrypted.startswith(f"k1.{kek.parse(new).kek_id}.")
    # the old KEK can go: everything unwraps with the new one alone
    path.write_text(f"{new}\n")
    receipts.sign(key, "still signs")
    assert receipts.verify(receipt.code).genuine


def test_rewrap_moves_legacy_keys_under_the_kek(cast, monkeypatch):
    receipt = receipt_for(cast)  # no KEK in development: wrapped the first releases' way
    key = SigningKey.objects.get(organisation=cast.hanoi)
    assert not key.private_key_encrypted.startswith("k1.")
    monkeypatch.setenv("NHANDAO_KEK", kek.generate())
    call_command("rotate_keys", "--rewrap", stdout=StringIO())
    key.refresh_from_db()
    assert key.private_key_encrypted.startswith("k1.")
    public_before = key.public_key
    receipts.sign(key, "x")
    assert key.public_key == public_before and receipts.verify(receipt.code).genuine
    # a second run has nothing left to do
    out = StringIO()
    call_command("rotate_keys", "--rewrap", stdout=out)
    assert "Đã bọc lại 0 khóa ký" in out.getvalue()


def test_an_unknown_kek_is_named_in_the_refusal(cast, monkeypatch):
    monkeypatch.setenv("NHANDAO_KEK", kek.generate())
    receipt_for(cast)
    key = SigningKey.objects.get(organisation=cast.hanoi)
    monkeypatch.setenv("NHANDAO_KEK", kek.generate())
    with pytest.raises(kek.KeyUnavailable, match="not configured"):
        receipts.sign(key, "x")


# --- signing-key rotation ------------------------------------------------------------------


def test_rotating_a_signing_key_keeps_old_receipts_verifying(cast, client):
    old_receipt = receipt_for(cast)
    old_key = SigningKey.objects.get(organisation=cast.hanoi)
    out = StringIO()
    call_command("rotate_keys", "--signing", "CTD-1", stdout=out)
    old_key.refresh_from_db()
    new_key = SigningKey.objects.get(organisation=cast.hanoi, retired_at=None)
    assert old_key.retired_at is not None and new_key.key_id != old_key.key_id
    assert new_key.key_id in out.getvalue()
    assert receipts.verify(old_receipt.code).genuine
    # and through the QR code's payload and signature
    qr = receipts.verify(
        old_receipt.code, receipts.b64(old_receipt.payload.encode()), old_receipt.signature
    )
    assert qr.genuine
    new_receipt = receipt_for(cast, code="LU-KEY-2")
    assert f'"k":"{new_key.key_id}"' in new_receipt.payload.replace(" ", "")
    page = client.get("/khoa-cong-khai/").content.decode()
    assert old_key.public_key in page and new_key.public_key in page


def test_rotating_an_unknown_organisation_is_refused(cast):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="KHONG-CO"):
        call_command("rotate_keys", "--signing", "KHONG-CO", stdout=StringIO())
