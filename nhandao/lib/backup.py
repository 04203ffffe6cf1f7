"""Backups that restore: the database (PostgreSQL: `pg_dump` custom format; SQLite: the online
backup API, consistent while the site runs), the media files (tar), and a manifest with each
file's SHA-256 and every table's row count; optionally each file encrypted with a passphrase.

What a restore must prove (the ledger chains, the receipts) belongs to the apps: the
`backup`/`restore` commands (donations/management/commands) call these functions and then
verify. Steps for operators: deploy/HUONG-DAN.md.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MAGIC = b"NHDBAK1\n"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why, in Vietnamese."""


# --- encryption: AES-GCM in 1 MiB chunks, key from the passphrase by scrypt ---------------
# Each chunk's nonce is the chunk number, and its associated data says whether it is the
# last: chunks cannot be reordered, dropped or the file cut short without the tag failing.


def passphrase_from_env() -> str | None:
    if os.environ.get("NHANDAO_BACKUP_PASSPHRASE"):
        return os.environ["NHANDAO_BACKUP_PASSPHRASE"]
    if os.environ.get("NHANDAO_BACKUP_PASSPHRASE_FILE"):
        return Path(os.environ["NHANDAO_BACKUP_PASSPHRASE_FILE"]).read_text().strip()
    return None


def _derive(passphrase: str, salt: bytes) -> AESGCM:
    key = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())
    return AESGCM(key)


def encrypt_file(source: Path, target: Path, passphrase: str) -> None:
    salt = os.urandom(16)
    aead = _derive(passphrase, salt)
    with source.open("rb") as src, target.open("wb") as out:
        out.write(MAGIC + salt)
        index, chunk = 0, src.read(CHUNK)
        while True:
            following = src.read(CHUNK)
            last = not following
            sealed = aead.encrypt(struct.pack(">4xQ", index), chunk, b"L" if last else b"C")
            out.write(struct.pack(">I", len(sealed)) + sealed)
            if last:
                return
            index, chunk = index + 1, following


def decrypt_file(source: Path, target: Path, passphrase: str) -> None:
    with source.open("rb") as src, target.open("wb") as out:
        if src.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{source.name}: không phải tệp sao lưu mã hóa của nhandao.")
        aead = _derive(passphrase, src.read(16))
        index = 0
        while True:
            head = src.read(4)
            if len(head) < 4:
                raise BackupError(f"{source.name}: tệp bị cắt ngắn.")
            sealed = src.read(struct.unpack(">I", head)[0])
            nonce = struct.pack(">4xQ", index)
            try:
                out.write(aead.decrypt(nonce, sealed, b"C"))
            except InvalidTag:
                try:
                    out.write(aead.decrypt(nonce, sealed, b"L"))
                except InvalidTag as exc:
                    raise BackupError(f"{source.name}: sai mật khẩu hoặc tệp đã bị sửa.") from exc
                return
            index += 1


# --- the parts ----------------------------------------------------------------------------


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} thất bại: {done.stderr.strip()[:500]}")


def dump_database(target: Path) -> None:
    if engine() == "postgresql":
        args, env = _pg_env()
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args], env)
        return
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)  # consistent while others write
    finally:
        destination.close()


def load_database(source: Path) -> None:
    if engine() == "postgresql":
        connection.close()
        args, env = _pg_env()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(source),
            ],
            env,
        )
        return
    connection.ensure_connection()
    origin = sqlite3.connect(source)
    try:
        origin.backup(connection.connection)  # page by page into the live file, atomically
    finally:
        origin.close()


def media_root() -> Path | None:
    """The media folder, or None when files live on object storage (backed up there)."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend != "django.core.files.storage.FileSystemStorage":
        return None
    return Path(settings.MEDIA_ROOT)


def pack_media(target: Path) -> None:
    root = media_root()
    with tarfile.open(target, "w:gz") as tar:
        if root is not None and root.is_dir():
            for child in sorted(root.iterdir()):
                tar.add(child, arcname=child.name)


def unpack_media(source: Path) -> None:
    root = media_root()
    if root is None:
        return
    root.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".restore-", dir=root.parent))
    with tarfile.open(source, "r:gz") as tar:
        tar.extractall(fresh, filter="data")  # no absolute paths, links out, devices
    old = root.with_name(root.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    root.rename(old)
    fresh.rename(root)
    shutil.rmtree(old, ignore_errors=True)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


# --- backup and restore -------------------------------------------------------------------


@dataclass
class Made:
    folder: Path
    manifest: dict


def backup(destination: Path, *, passphrase: str | None = None) -> Made:
    """A new folder `nhandao-<UTC time>` under `destination` with the database, the media and
    the manifest."""
    if connection.in_atomic_block:
        # a snapshot must see committed data only (SQLite's backup would also wait forever)
        raise BackupError("Không sao lưu được bên trong một giao dịch đang mở.")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    folder = destination / f"nhandao-{stamp}"
    folder.mkdir(parents=True)
    names = {"database": "database.pgdump" if engine() == "postgresql" else "database.sqlite3"}
    names["media"] = "media.tar.gz"
    with tempfile.TemporaryDirectory(dir=folder) as work:
        plain = {part: Path(work) / name for part, name in names.items()}
        dump_database(plain["database"])
        pack_media(plain["media"])
        files = {}
        for part, path in plain.items():
            stored = folder / (names[part] + (".enc" if passphrase else ""))
            if passphrase:
                encrypt_file(path, stored, passphrase)
            else:
                shutil.move(path, stored)
            files[part] = {
                "name": stored.name,
                "sha256": sha256(stored),
                "bytes": stored.stat().st_size,
            }
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": engine(),
        "encrypted": bool(passphrase),
        "media": "files" if media_root() is not None else "object storage (not in this backup)",
        "files": files,
        "counts": row_counts(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return Made(folder, manifest)


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"Không đọc được {MANIFEST} trong {folder}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Định dạng sao lưu {manifest.get('format')} không được hỗ trợ.")
    for part in manifest["files"].values():
        path = folder / part["name"]
        if not path.is_file() or sha256(path) != part["sha256"]:
            raise BackupError(f"{part['name']}: thiếu hoặc sai checksum, bản sao lưu hỏng.")
    return manifest


def restore(folder: Path, *, passphrase: str | None = None) -> dict:
    """Replace the database and the media with the backup's, after checking every checksum.
    The manifest is returned, for the caller to compare counts and verify."""
    if connection.in_atomic_block:
        raise BackupError("Không khôi phục được bên trong một giao dịch đang mở.")
    manifest = read_manifest(folder)
    if manifest["engine"] != engine():
        raise BackupError(
            f"Bản sao lưu là {manifest['engine']}, cơ sở dữ liệu hiện tại là {engine()}."
        )
    if manifest["encrypted"] and not passphrase:
        raise BackupError("Bản sao lưu được mã hóa: cần NHANDAO_BACKUP_PASSPHRASE.")
    with tempfile.TemporaryDirectory(dir=folder) as work:
        plain = {}
        for part, info in manifest["files"].items():
            path = folder / info["name"]
            if manifest["encrypted"]:
                target = Path(work) / info["name"].removesuffix(".enc")
                decrypt_file(path, target, passphrase)
                path = target
            plain[part] = path
        load_database(plain["database"])
        unpack_media(plain["media"])
    return manifest


def prune(destination: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups under `destination`."""
    folders = sorted(p for p in destination.glob("nhandao-*") if (p / MANIFEST).is_file())
    gone = folders[:-keep] if keep > 0 else []
    for folder in gone:
        shutil.rmtree(folder)
    return gone
