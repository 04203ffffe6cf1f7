"""`nhandao backup` / `nhandao restore`: a round trip on the database the suite runs on (CI runs
the suite on SQLite and on PostgreSQL): counts identical, every ledger chain verifies, every
receipt verifies, media back; a damaged or wrongly-keyed backup is refused and changes nothing.
"""

import json
import os
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nhandao.audit.models import LedgerAccount, LedgerEntry
from nhandao.campaigns import actions as campaign_actions
from nhandao.donations import actions, receipts
from nhandao.donations.models import Donation, Receipt
from nhandao.lib import backup


@pytest.fixture
def sqlite_undo(transactional_db):
    """SQLite cannot empty the append-only tables when a transactional test ends (their
    triggers refuse DELETE; PostgreSQL's TRUNCATE does not fire them): put the database back
    as it was before the test, page by page, so that the flush finds them empty."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    import sqlite3

    connection.ensure_connection()
    snapshot = sqlite3.connect(":memory:")
    connection.connection.backup(snapshot)
    yield
    connection.ensure_connection()
    snapshot.backup(connection.connection)
    snapshot.close()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "statements").mkdir(parents=True)
    (tmp_path / "media" / "statements" / "vcb.csv").write_text("ngày,số tiền\n1/9/2024,500000\n")
    return tmp_path / "media"


def give(cast, appeal, amount, name):
    donation = actions.record_donation(
        cast.root,
        organisation=cast.hanoi,
        channel="cash",
        received_on=date(2024, 9, 10),
        amount=amount,
        campaign=appeal,
        donor_name=name,
    )
    receipts.issue(cast.root, donation)
    return donation


@pytest.fixture  # request it before `cast`, so that sqlite_undo's snapshot comes first
def books(reload_map_afterwards, transactional_db, sqlite_undo, cast):
    appeal = campaign_actions.create_campaign(
        cast.root,
        code="LU-BK",
        name="Ủng hộ lũ",
        kind="appeal",
        organisation=cast.hanoi,
        launch_date=date(2024, 9, 8),
        status="receiving",
    )
    for i, name in enumerate(["Lê Thị Mai", "Trần Văn Hùng", "Nguyễn Thị Lan"]):
        give(cast, appeal, 1_500_000 + i, name)
    return appeal


def run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("encrypted", [False, True])
def test_backup_then_restore_gives_back_the_same_books(
    books, cast, media, tmp_path, monkeypatch, encrypted
):
    if encrypted:
        monkeypatch.setenv("NHANDAO_BACKUP_PASSPHRASE", "mật khẩu sao lưu dài 2024")
    before = backup.row_counts()
    made = run("backup", str(tmp_path / "backups"), *(["--encrypt"] if encrypted else []))
    folder = Path(made["folder"])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"] == before and manifest["encrypted"] is encrypted
    assert manifest["engine"] == backup.engine()
    for info in manifest["files"].values():
        assert backup.sha256(folder / info["name"]) == info["sha256"]
    if encrypted:  # the stored files are not readable without the passphrase
        raw = (folder / manifest["files"]["media"]["name"]).read_bytes()
        assert raw.startswith(backup.MAGIC) and b"statements" not in raw

    # life goes on after the backup: a new donation, a file lost
    give(cast, books, 9_999_000, "Phạm Văn Sau")
    (media / "statements" / "vcb.csv").unlink()
    assert backup.row_counts() != before

    report = run("restore", str(folder), "--yes")
    assert report["problems"] == []
    assert backup.row_counts() == before
    assert report["ledger_chains"] == LedgerAccount.objects.count() > 0
    assert report["receipts"] == Receipt.objects.count() == 3
    assert not Donation.objects.filter(amount=9_999_000).exists()
    assert (media / "statements" / "vcb.csv").read_text().startswith("ngày")
    # timestamps kept to the microsecond, so every hash still matches
    assert all(
        receipts.verify(code).genuine for code in Receipt.objects.values_list("code", flat=True)
    )
    assert LedgerEntry.objects.count() == before["audit.ledgerentry"]


def test_a_damaged_backup_is_refused_and_changes_nothing(books, cast, media, tmp_path):
    folder = Path(run("backup", str(tmp_path / "b"))["folder"])
    give(cast, books, 7_000_000, "Phạm Văn Sau")
    now = backup.row_counts()
    database = next(folder.glob("database.*"))
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(folder), "--yes", stdout=StringIO())
    assert backup.row_counts() == now
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(folder), stdout=StringIO())


def test_a_wrong_passphrase_is_refused(books, cast, media, tmp_path, monkeypatch):
    monkeypatch.setenv("NHANDAO_BACKUP_PASSPHRASE", "đúng")
    folder = Path(run("backup", str(tmp_path / "b"), "--encrypt")["folder"])
    now = backup.row_counts()
    monkeypatch.setenv("NHANDAO_BACKUP_PASSPHRASE", "sai")
    with pytest.raises(CommandError, match="sai mật khẩu"):
        call_command("restore", str(folder), "--yes", stdout=StringIO())
    assert backup.row_counts() == now


def test_encryption_round_trip_and_truncation(tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(os.urandom(backup.CHUNK * 2 + 123))
    sealed, back = tmp_path / "sealed", tmp_path / "back"
    backup.encrypt_file(plain, sealed, "pw")
    backup.decrypt_file(sealed, back, "pw")
    assert back.read_bytes() == plain.read_bytes()
    # dropping the last chunk is detected: the file must end with a chunk marked last
    data = sealed.read_bytes()
    sealed.write_bytes(data[: len(data) - 200])
    with pytest.raises(backup.BackupError):
        backup.decrypt_file(sealed, back, "pw")


def test_keep_prunes_old_backups(tmp_path):
    for stamp in ("20240101", "20240102", "20240103", "20240104"):
        (tmp_path / f"nhandao-{stamp}").mkdir()
        (tmp_path / f"nhandao-{stamp}" / "manifest.json").write_text("{}")
    (tmp_path / "nhandao-unfinished").mkdir()  # no manifest: not a backup, left alone
    gone = backup.prune(tmp_path, 2)
    assert [p.name for p in gone] == ["nhandao-20240101", "nhandao-20240102"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "nhandao-20240103",
        "nhandao-20240104",
        "nhandao-unfinished",
    ]


def test_a_backup_inside_a_transaction_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="giao dịch"):
        call_command("backup", str(tmp_path), stdout=StringIO())


# --- dumpdata / loaddata -------------------------------------------------------------------


def test_dumpdata_keeps_microseconds_and_natural_foreign_keys_work(db, cast):
    from django.core import serializers

    from nhandao.audit import ledger
    from nhandao.donations.models import StatementLine

    appeal = campaign_actions.create_campaign(
        cast.root,
        code="LU-DD",
        name="Ủng hộ lũ",
        kind="appeal",
        organisation=cast.hanoi,
        launch_date=date(2024, 9, 8),
        status="receiving",
    )
    give(cast, appeal, 1_234_567, "Lê Thị Mai")
    # a field named natural_key hid the method the serialisers call
    assert not hasattr(StatementLine, "natural_key")
    assert StatementLine._meta.get_field("line_key")
    out = StringIO()
    call_command("dumpdata", "audit.ledgerentry", "donations", "--natural-foreign", stdout=out)
    entries = {e.pk: e for e in LedgerEntry.objects.all()}
    assert any(e.at.microsecond % 1000 for e in entries.values())  # sub-millisecond
    loaded = [
        o.object
        for o in serializers.deserialize("json", out.getvalue())
        if isinstance(o.object, LedgerEntry)
    ]
    assert loaded and all(o.at == entries[o.pk].at for o in loaded)
    for entry in loaded:
        # hash rule 2 (the anchored chain) commits the memo with its salt: both are dumped
        columns = [*ledger.HASHED_COLUMNS, "hash_rule", "memo_salt"]
        fields = {name: getattr(entry, name) for name in columns}
        assert entry.hash_rule == ledger.RULE
        assert ledger.entry_hash(**fields) == entry.hash
