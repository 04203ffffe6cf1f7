"""Checkpoints: the chains anchored outside the database.

The hash chains (ledger accounts, audit events) show an edit only to whoever kept an
earlier copy: someone able to write the database can recompute every hash after an edit.
A checkpoint publishes, at a moment, the head (sequence, hash) of every ledger account that
moved since the previous checkpoint and the head of the audit events' chain; it is chained
to the previous checkpoint and signed by each organisation whose accounts it names (the
top-level organisations sign every checkpoint, for the audit chain). The log is public
(/cong-khai/so-quy/diem-moc.json); anyone who keeps a copy can later prove that history
was rewritten: an entry at a checkpointed sequence whose hash differs, or a checkpoint that
changed or vanished (docs/howto.md).

Taken after every statement import and at least daily (`nhandao checkpoint`); the signing
keys are the money-in app's (donations/checkpoints.py passes a signer in, this module
imports no app above the foundation). `verify_database()` is the `nhandao verify_ledger`
check: every chain, the audit chain, every stored checkpoint, and any earlier copy.
"""

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import connection, transaction
from django.utils import timezone

from nhandao.audit import ledger
from nhandao.audit.models import (
    GENESIS,
    AuditEvent,
    Checkpoint,
    CheckpointHead,
    CheckpointSignature,
    LedgerEntry,
    event_hash,
    event_values,
    lock_chain,
)
from nhandao.lib.errors import Refused

FORMAT = "nhandao-checkpoints/1"
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class ChainBroken(Refused):
    """A checkpoint refused: the history it would anchor no longer matches the last one."""


def _digest(values) -> str:
    return hashlib.sha256(_CANONICAL.encode(values).encode()).hexdigest()


def heads_digest(heads: list) -> str:
    """SHA-256 of the heads [[account_id, seq, hash], …] sorted by account."""
    return _digest(sorted([list(h) for h in heads]))


def checkpoint_hash(point: dict) -> str:
    """The hash a checkpoint is known by (and signed over); `point` as published."""
    return _digest(
        [
            FORMAT,
            point["number"],
            point["taken_at"],
            point["reason"],
            point["audit"]["seq"],
            point["audit"]["hash"],
            point["heads_digest"],
            point["prev_hash"],
        ]
    )


def signed_text(point_hash: str) -> str:
    return f"{FORMAT}:{point_hash}"


def _time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


# --- reading heads -------------------------------------------------------------------------


def current_heads() -> dict[int, tuple[int, str]]:
    """{account_id: (seq, hash)} of every account's last entry (one grouped query)."""
    table = LedgerEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.account_id, e.seq, e.hash FROM {table} e JOIN "  # noqa: S608
            f"(SELECT account_id, MAX(seq) AS top FROM {table} GROUP BY account_id) h "
            "ON e.account_id = h.account_id AND e.seq = h.top"
        )
        return {account: (seq, digest) for account, seq, digest in cursor.fetchall()}


def last_checkpointed() -> dict[int, tuple[int, str]]:
    """{account_id: (seq, hash)} of the latest checkpointed head of each account."""
    table = CheckpointHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.account_id, c.seq, c.hash FROM {table} c JOIN "  # noqa: S608
            f"(SELECT account_id, MAX(seq) AS top FROM {table} GROUP BY account_id) h "
            "ON c.account_id = h.account_id AND c.seq = h.top"
        )
        return {account: (seq, digest) for account, seq, digest in cursor.fetchall()}


def stored_hashes(pairs) -> dict[tuple[int, int], str]:
    """{(account_id, seq): hash} of the stored entries at those places (missing: absent).
    The places go to a temporary table joined on the (account, seq) index: SQLite scans the
    whole table for `(account_id, seq) IN (VALUES …)` (80 s for 6,800 places in 2 M)."""
    pairs = list(pairs)
    if not pairs:
        return {}
    table = LedgerEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS checkpoint_places")
        cursor.execute("CREATE TEMPORARY TABLE checkpoint_places (account_id bigint, seq bigint)")
        cursor.executemany("INSERT INTO checkpoint_places VALUES (%s, %s)", pairs)
        cursor.execute(
            f"SELECT e.account_id, e.seq, e.hash FROM checkpoint_places p "  # noqa: S608
            f"JOIN {table} e ON e.account_id = p.account_id AND e.seq = p.seq"
        )
        found = {(a, s): h for a, s, h in cursor.fetchall()}
        cursor.execute("DROP TABLE checkpoint_places")
    return found


def audit_head() -> tuple[int, str]:
    head = AuditEvent.objects.exclude(seq=None).order_by("-seq").values_list("seq", "hash").first()
    return head or (0, GENESIS)


# --- taking one ----------------------------------------------------------------------------


@transaction.atomic
def take(reason: str, signer) -> Checkpoint:
    """Append a checkpoint. `signer(organisation, text)` → (key_id, public_key, signature).
    Refuses (ChainBroken, nothing written) when an account's last checkpointed entry or the
    last checkpointed audit event no longer has its checkpointed hash: a checkpoint never
    anchors a rewritten history."""
    from nhandao.audit.models import LedgerAccount
    from nhandao.orgs.models import Organisation

    lock_chain("checkpoints")
    previous = Checkpoint.objects.order_by("-number").first()
    earlier = last_checkpointed()
    heads = current_heads()
    moved = {a: h for a, h in heads.items() if earlier.get(a, (0, ""))[0] != h[0]}
    anchors = {(a, earlier[a][0]): earlier[a][1] for a in heads if a in earlier}
    stored = stored_hashes(anchors)
    changed = sorted(f"{a} #{s}" for (a, s), h in anchors.items() if stored.get((a, s)) != h)
    changed += sorted(f"{a}" for a in earlier if a not in heads)
    audit_seq, audit_digest = audit_head()
    if previous and previous.audit_seq:
        kept = AuditEvent.objects.filter(seq=previous.audit_seq).values_list("hash", flat=True)
        if list(kept) != [previous.audit_hash]:
            changed.append(f"nhật ký #{previous.audit_seq}")
    if changed:
        raise ChainBroken(
            "Không lập điểm mốc: lịch sử đã công bố bị thay đổi (tài khoản/bút toán "
            + ", ".join(changed[:10])
            + "). Hãy chạy `nhandao verify_ledger`."
        )
    point = {
        "number": (previous.number + 1) if previous else 1,
        "taken_at": _time(timezone.now()),
        "reason": str(reason),
        "audit": {"seq": audit_seq, "hash": audit_digest},
        "heads_digest": heads_digest([[a, s, h] for a, (s, h) in moved.items()]),
        "prev_hash": previous.hash if previous else GENESIS,
    }
    point["hash"] = checkpoint_hash(point)
    checkpoint = Checkpoint.objects.create(
        number=point["number"],
        taken_at=datetime.fromisoformat(point["taken_at"]),
        reason=point["reason"],
        audit_seq=audit_seq,
        audit_hash=audit_digest,
        heads_digest=point["heads_digest"],
        prev_hash=point["prev_hash"],
        hash=point["hash"],
    )
    CheckpointHead.objects.bulk_create(
        [
            CheckpointHead(checkpoint=checkpoint, account_id=a, seq=s, hash=h)
            for a, (s, h) in sorted(moved.items())
        ],
        batch_size=2000,
    )
    owners = set(
        LedgerAccount.objects.filter(pk__in=moved).values_list("organisation_id", flat=True)
    )
    owners |= set(Organisation.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    text = signed_text(point["hash"])
    signatures = []
    for organisation in Organisation.objects.filter(pk__in=owners).order_by("pk"):
        key_id, public_key, value = signer(organisation, text)
        signatures.append(
            CheckpointSignature(
                checkpoint=checkpoint,
                organisation=organisation,
                key_id=key_id,
                public_key=public_key,
                value=value,
            )
        )
    CheckpointSignature.objects.bulk_create(signatures, batch_size=2000)
    return checkpoint


# --- the public log ------------------------------------------------------------------------


def log_document(since: int = 0) -> dict:
    """The checkpoint log as published (every checkpoint numbered after `since`)."""
    from nhandao.audit.models import LedgerAccount

    points = list(Checkpoint.objects.filter(number__gt=since).order_by("number"))
    ids = [p.pk for p in points]
    owner = dict(LedgerAccount.objects.values_list("pk", "organisation__code"))
    heads: dict[int, list] = {p.pk: [] for p in points}
    for checkpoint_id, account_id, seq, digest in (
        CheckpointHead.objects.filter(checkpoint_id__in=ids)
        .order_by("checkpoint_id", "account_id")
        .values_list("checkpoint_id", "account_id", "seq", "hash")
        .iterator(10_000)
    ):
        heads[checkpoint_id].append([account_id, owner.get(account_id, ""), seq, digest])
    signatures: dict[int, list] = {p.pk: [] for p in points}
    keys = {}
    for sig in (
        CheckpointSignature.objects.filter(checkpoint_id__in=ids)
        .select_related("organisation")
        .order_by("checkpoint_id", "organisation__code")
    ):
        code = sig.organisation.code
        signatures[sig.checkpoint_id].append(
            {"organisation": code, "key_id": sig.key_id, "value": sig.value}
        )
        keys[sig.key_id] = {"organisation": code, "public_key": sig.public_key}
    return {
        "format": FORMAT,
        "generated_at": _time(timezone.now()),
        "keys": keys,
        "checkpoints": [
            {
                "number": p.number,
                "taken_at": _time(p.taken_at),
                "reason": p.reason,
                "audit": {"seq": p.audit_seq, "hash": p.audit_hash},
                "heads": heads[p.pk],
                "heads_digest": p.heads_digest,
                "prev_hash": p.prev_hash,
                "hash": p.hash,
                "signatures": signatures[p.pk],
            }
            for p in points
        ],
    }


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_log(document: dict) -> list[str]:
    """Problems of a checkpoint log on its own (no database): each checkpoint's heads match
    its digest, its hash its content, it follows the previous one (when that one is in the
    document), and every signature is valid for its organisation's published key. Empty
    when the log holds together."""
    problems = []
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return [f"tệp không phải nhật ký điểm mốc ({FORMAT})."]
    keys = document.get("keys") or {}
    previous = None
    for point in document.get("checkpoints") or []:
        try:
            where = f"điểm mốc {point['number']}"
            if (
                heads_digest([[a, s, h] for a, _org, s, h in point["heads"]])
                != point["heads_digest"]
            ):
                problems.append(f"{where}: danh sách đầu chuỗi không khớp mã tổng.")
            if checkpoint_hash(point) != point["hash"]:
                problems.append(f"{where}: nội dung không khớp mã băm của điểm mốc.")
            if previous is not None and (
                point["number"] != previous["number"] + 1 or point["prev_hash"] != previous["hash"]
            ):
                problems.append(f"{where}: không nối tiếp điểm mốc {previous['number']}.")
            if point["number"] == 1 and point["prev_hash"] != GENESIS:
                problems.append(f"{where}: điểm mốc đầu tiên phải bắt đầu chuỗi.")
            signers = set()
            for sig in point["signatures"]:
                key = keys.get(sig["key_id"]) or {}
                if key.get("organisation") != sig["organisation"]:
                    problems.append(
                        f"{where}: khóa {sig['key_id']} không thuộc {sig['organisation']}."
                    )
                    continue
                try:
                    Ed25519PublicKey.from_public_bytes(_unb64(key["public_key"])).verify(
                        _unb64(sig["value"]), signed_text(point["hash"]).encode()
                    )
                except (InvalidSignature, ValueError, KeyError):
                    problems.append(f"{where}: chữ ký của {sig['organisation']} không đúng.")
                    continue
                signers.add(sig["organisation"])
            unsigned = {org for _a, org, _s, _h in point["heads"]} - signers
            if unsigned or not signers:
                problems.append(
                    f"{where}: thiếu chữ ký của {', '.join(sorted(unsigned)) or 'tổ chức nào'}."
                )
            previous = point
        except (KeyError, TypeError, ValueError):
            problems.append("cấu trúc nhật ký điểm mốc bị hỏng hoặc đã bị sửa.")
            break
    return problems


# --- verifying the database ----------------------------------------------------------------


def verify_events() -> tuple[int, list[str], tuple[int, str]]:
    """(events checked, problems, head) of the audit events' chain."""
    prev_hash, expected, checked = GENESIS, 1, 0
    fields = ["seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id",
              "object_repr", "organisation_id", "before", "after", "prev_hash"]  # fmt: skip
    rows = AuditEvent.objects.order_by("seq").values_list("pk", *fields, "hash_rule", "hash")
    unchained = AuditEvent.objects.filter(seq=None).count()
    problems = [f"{unchained} sự kiện nhật ký nằm ngoài chuỗi."] if unchained else []
    for pk, *values, rule, stored in rows.exclude(seq=None).iterator(5000):
        seq, prev = values[0], values[-1]
        where = f"nhật ký, sự kiện #{seq} (mã {pk})"
        if seq != expected:
            problems.append(f"{where}: thiếu sự kiện trước (mong đợi #{expected}).")
            break
        if prev != prev_hash:
            problems.append(f"{where}: không nối tiếp sự kiện trước.")
            break
        event = dict(zip(fields, values, strict=True), hash_rule=rule)
        if event_hash(event_values(_Event(event))) != stored:
            problems.append(f"{where}: nội dung không khớp mã băm.")
            break
        prev_hash, expected, checked = stored, expected + 1, checked + 1
    return checked, problems, (expected - 1, prev_hash)


class _Event:
    """A stored event's values under the attribute names event_values() reads."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


@dataclass
class Report:
    accounts: int = 0
    entries: int = 0
    events: int = 0
    checkpoints: int = 0
    heads: int = 0
    copies: int = 0
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [
            f"Sổ quỹ / ledger: {self.accounts} tài khoản / accounts, "
            f"{self.entries} bút toán hợp lệ / valid entries.",
            f"Nhật ký / audit events: {self.events} sự kiện hợp lệ / valid events.",
            f"Điểm mốc / checkpoints: {self.checkpoints} điểm mốc, {self.heads} đầu chuỗi "
            f"đã đối chiếu / heads compared.",
        ]
        if self.copies:
            out.append(
                f"Bản sao điểm mốc đã đối chiếu / checkpoint copies compared: {self.copies}."
            )
        if self.ok:
            out.append(
                "KẾT QUẢ / RESULT: HỢP LỆ / OK — cơ sở dữ liệu khớp chuỗi băm và mọi điểm mốc."
            )
        else:
            out.append(f"KẾT QUẢ / RESULT: PHÁT HIỆN {len(self.problems)} CHỖ GÃY / BREAKS FOUND:")
            out += [f"  - {p}" for p in self.problems]
        return out


def compare_heads(document: dict, report: Report) -> None:
    """Every head of the log's checkpoints against the stored entries (and audit events)."""
    wanted = {}
    for point in document.get("checkpoints") or []:
        for account, _org, seq, digest in point["heads"]:
            wanted[(account, seq)] = (point["number"], digest)
    stored = stored_hashes(wanted)
    for (account, seq), (number, digest) in sorted(wanted.items()):
        found = stored.get((account, seq))
        if found != digest:
            what = "không còn" if found is None else "đã bị thay (mã băm khác)"
            report.problems.append(
                f"điểm mốc {number}: tài khoản {account}, bút toán #{seq} {what}."
            )
    report.heads += len(wanted)
    events = {p["audit"]["seq"]: (p["number"], p["audit"]["hash"])
              for p in document.get("checkpoints") or [] if p["audit"]["seq"]}  # fmt: skip
    found = dict(AuditEvent.objects.filter(seq__in=events).values_list("seq", "hash"))
    for seq, (number, digest) in sorted(events.items()):
        if found.get(seq) != digest:
            report.problems.append(f"điểm mốc {number}: sự kiện nhật ký #{seq} đã bị thay.")


def verify_database(copies: list[dict] = ()) -> Report:
    """Every ledger chain, the audit chain, every stored checkpoint (its log, and the
    database against its heads), and each earlier copy of the log (`copies`): it must
    verify, its checkpoints must still be in the database unchanged, and the database must
    match its heads."""
    report = Report()
    full = ledger.verify_all()
    report.accounts, report.entries = full.accounts, full.entries
    report.problems += [f"sổ quỹ, {b.message}" for b in full.breaks]
    report.events, problems, _head = verify_events()
    report.problems += problems
    document = log_document()
    report.checkpoints = len(document["checkpoints"])
    report.problems += verify_log(document)
    compare_heads(document, report)
    ours = {p["number"]: p["hash"] for p in document["checkpoints"]}
    for copy in copies:
        report.copies += 1
        report.problems += [f"bản sao: {p}" for p in verify_log(copy)]
        for point in copy.get("checkpoints") or []:
            if ours.get(point.get("number")) != point.get("hash"):
                report.problems.append(
                    f"bản sao: điểm mốc {point.get('number')} đã bị xóa hoặc viết lại "
                    "trong cơ sở dữ liệu."
                )
        compare_heads(copy, report)
    return report
