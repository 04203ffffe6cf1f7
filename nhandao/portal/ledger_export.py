"""A campaign's ledger, published as a signed file that anyone can verify offline.

The file holds every entry of the campaign's ledger accounts (audit.LedgerEntry, hash-chained
per account), and an Ed25519 signature, by the organiser's key (the money-in app's
per-organisation signing key, published at /khoa-cong-khai/), over a digest of every
account and entry as published. Verification (`nhandao verify_ledger FILE`, or the upload
page) recomputes every hash and link with the same canonical form as audit/ledger.py, checks
the running balances, then the signature, and names the first altered entry.

Personal data: the memo of a cash or in-kind donation names the donor; it is withheld
("memo": null) unless the donor agreed to publication. Entries of hash rule 2 carry the
memo's salted commitment ("memo_commit"), which their hash covers, so their hash is
recomputed all the same and an edited withheld memo breaks the chain; an entry of rule 1
(written before rule 2) whose memo is withheld is checked by its link, sequence and balance.

The export refuses (ChainRefused) to sign a chain that does not verify, or that disagrees
with a published checkpoint (audit/checkpoints.py): the organisation's key never vouches for
a rewritten history. `verify_against_checkpoints()` checks a downloaded file against a
checkpoint log obtained earlier (`nhandao verify_ledger --file F --checkpoints C`).
"""

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from nhandao.audit.ledger import (
    GENESIS,
    HASHED_COLUMNS,
    VERIFIED_COLUMNS,
    at_text,
    check_row,
    entry_hash,
    memo_commit,
)
from nhandao.lib.errors import Refused

FORMAT = "nhandao-ledger/2"
MAX_FILE_BYTES = 50 * 1024 * 1024
# the exported columns: every column of an entry but its (database-local) account id; format
# 2 adds the hash rule, the memo's salt (null when the memo is withheld) and its commitment
FIELDS_V1 = [*HASHED_COLUMNS[1:], "hash"]
FIELDS = [*FIELDS_V1, "hash_rule", "memo_salt", "memo_commit"]
FORMATS = {"nhandao-ledger/1": FIELDS_V1, FORMAT: FIELDS}


class ChainRefused(Refused):
    """The export will not sign: the stored chain does not verify."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signed_text(document: dict) -> str:
    """What the signature covers: format, campaign, time and a SHA-256 of every account and
    entry exactly as published (so re-hashing a chain, or editing an entry whose memo is
    withheld, still breaks the signature)."""
    body = json.dumps(
        document.get("accounts", []), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return json.dumps(
        [
            document.get("format"),
            document.get("campaign", {}).get("code"),
            document.get("generated_at"),
            hashlib.sha256(body.encode()).hexdigest(),
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


CACHE_SECONDS = 7 * 24 * 3600  # a version that no longer changes is dropped after a week

# --- export --------------------------------------------------------------------------------


def _withheld_entry_ids(entry_ids) -> set[int]:
    """Donation entries whose memo names a donor who did not agree to publication."""
    from nhandao.donations.models import Channel, Donation, DonorKind

    out = set()
    rows = Donation.objects.filter(ledger_entry_id__in=entry_ids).values_list(
        "ledger_entry_id", "channel", "donor__kind", "donor__consent_publish"
    )
    for entry_id, channel, kind, consent in rows:
        if kind == DonorKind.ANONYMOUS or (channel != Channel.TRANSFER and not consent):
            out.add(entry_id)
    return out


def version(campaign) -> str:
    """What the signed document depends on, read cheaply: the campaign's name, its accounts'
    entries (append-only: their count and last id), which donation memos are withheld (the
    donors' consent and anonymity, counted), and the organisation's active signing key. Any
    change gives a new version, so a new document; otherwise the cached one is served."""
    from django.db.models import Count, Max, Q

    from nhandao.audit.models import LedgerEntry
    from nhandao.donations import receipts
    from nhandao.donations.models import Donation, DonorKind

    ids = campaign.subtree_ids()
    entries = LedgerEntry.objects.filter(account__campaign_id__in=ids).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    donors = Donation.objects.filter(ledger_entry__account__campaign_id__in=ids).aggregate(
        consent=Count("pk", filter=Q(donor__consent_publish=True)),
        anonymous=Count("pk", filter=Q(donor__kind=DonorKind.ANONYMOUS)),
    )
    key = receipts.key_for(campaign.organisation).key_id  # created here on first use
    parts = [campaign.pk, campaign.name, entries["n"], entries["last"], donors, key, FORMAT]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def cached_json(campaign) -> bytes:
    """The signed document as served: built and signed once per version (version()), then
    served from the shared cache — not rebuilt and re-signed on every request."""
    from django.core.cache import cache

    cache_key = f"portal:ledger:{campaign.pk}:{version(campaign)}"
    data = cache.get(cache_key)
    if data is None:
        data = json.dumps(export(campaign), ensure_ascii=False, indent=1).encode()
        cache.set(cache_key, data, CACHE_SECONDS)
    return data


def export(campaign) -> dict:
    """The campaign's ledger, each account's chain verified as it is read (and against the
    published checkpoints) before the organisation's key signs it; ChainRefused otherwise."""
    from nhandao.audit.models import CheckpointHead, LedgerAccount, LedgerEntry
    from nhandao.donations import receipts

    accounts = []
    for account in (
        LedgerAccount.objects.filter(campaign_id__in=campaign.subtree_ids())
        .select_related("organisation")
        .order_by("pk")
    ):
        rows = list(
            LedgerEntry.objects.filter(account=account)
            .order_by("seq")
            .values_list("pk", *VERIFIED_COLUMNS)
        )
        withheld = _withheld_entry_ids([r[0] for r in rows])
        anchored = dict(CheckpointHead.objects.filter(account=account).values_list("seq", "hash"))
        entries, prev_hash, balance = [], GENESIS, 0
        for pk, *row in rows:
            entry = dict(zip(VERIFIED_COLUMNS, row, strict=True))
            seq = entry["seq"]
            try:
                prev_hash, balance = check_row(row, prev_hash, balance, len(entries) + 1)
            except ValueError as reason:
                raise ChainRefused(
                    f"Không ký sổ quỹ: tài khoản {account.pk}, bút toán #{seq}: {reason} "
                    "Hãy chạy `nhandao verify_ledger`."
                ) from None
            if seq in anchored and anchored.pop(seq) != entry["hash"]:
                raise ChainRefused(
                    f"Không ký sổ quỹ: tài khoản {account.pk}, bút toán #{seq} khác điểm mốc "
                    "đã công bố. Hãy chạy `nhandao verify_ledger`."
                )
            entry["at"] = at_text(entry["at"])
            entry["booked_on"] = entry["booked_on"].isoformat()
            rule2 = entry["hash_rule"] == 2
            entry["memo_commit"] = memo_commit(entry["memo_salt"], entry["memo"]) if rule2 else None
            if pk in withheld:
                entry["memo"] = entry["memo_salt"] = None
            elif not rule2:
                entry["memo_salt"] = None
            entries.append([entry[name] for name in FIELDS])
        if anchored:  # a checkpointed entry that is no longer stored
            raise ChainRefused(
                f"Không ký sổ quỹ: tài khoản {account.pk} thiếu bút toán #{min(anchored)} "
                "đã công bố ở điểm mốc. Hãy chạy `nhandao verify_ledger`."
            )
        accounts.append(
            {
                "id": account.pk,
                "organisation": account.organisation.code,
                "organisation_name": account.organisation.name,
                "earmark": account.earmark,
                "earmark_label": account.earmark_label,
                "fields": FIELDS,
                "entries": entries,
            }
        )
    document = {
        "format": FORMAT,
        "campaign": {"code": campaign.code, "name": campaign.name},
        "generated_at": timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
        "accounts": accounts,
    }
    key = receipts.key_for(campaign.organisation)
    document["signature"] = {
        "organisation": campaign.organisation.code,
        "key_id": key.key_id,
        "public_key": key.public_key,
        "algorithm": "Ed25519",
        "value": receipts.sign(key, signed_text(document)),
    }
    return document


# --- offline verification ------------------------------------------------------------------


@dataclass
class Report:
    ok: bool
    checked: int = 0
    withheld: int = 0
    unhashed: int = 0  # withheld memos of rule 1: their hash cannot be recomputed
    problems: list = field(default_factory=list)
    first_bad: str = ""
    key_id: str = ""
    campaign: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            note = (
                f" ({self.withheld} bút toán ẩn nội dung: mã băm kiểm qua cam kết của diễn giải"
                + (
                    f"; {self.unhashed} bút toán cũ chỉ kiểm liên kết, số thứ tự và số dư"
                    if self.unhashed
                    else ""
                )
                + ")"
                if self.withheld
                else ""
            )
            return (
                f"Sổ quỹ hợp lệ: {self.checked} bút toán, chữ ký của khóa {self.key_id} đúng{note}."
            )
        return f"Sổ quỹ KHÔNG hợp lệ: {self.first_bad}"


def _fail(report: Report, text: str) -> Report:
    report.ok = False
    report.problems.append(text)
    if not report.first_bad:
        report.first_bad = text
    return report


def verify_bytes(data: bytes) -> Report:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return _fail(Report(False), "tệp không phải JSON đọc được.")
    if not isinstance(document, dict) or document.get("format") not in FORMATS:
        return _fail(Report(False), f"tệp không phải sổ quỹ xuất từ nhandao ({FORMAT}).")
    try:
        return verify_document(document)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return _fail(Report(False), "cấu trúc tệp bị hỏng hoặc đã bị sửa.")


def verify_document(document: dict) -> Report:
    """Recompute every link, hash and balance; then check the signature over the heads."""
    report = Report(True, campaign=str(document.get("campaign", {}).get("code", "")))
    fields = FORMATS[document["format"]]
    for account in document["accounts"]:
        _verify_account(account, fields, report)
        if not report.ok:
            return report
    signature = document.get("signature") or {}
    report.key_id = str(signature.get("key_id", ""))
    try:
        public = Ed25519PublicKey.from_public_bytes(_unb64(signature["public_key"]))
        public.verify(_unb64(signature["value"]), signed_text(document).encode())
    except (KeyError, ValueError, TypeError, InvalidSignature):
        return _fail(
            report,
            "chữ ký không khớp: tệp đã bị sửa sau khi ký (các mã băm đã bị "
            "tính lại, hoặc một bút toán ẩn nội dung bị sửa) hoặc chữ ký "
            "không phải của tổ chức.",
        )
    return report


def _verify_account(account: dict, fields: list, report: Report) -> None:
    account_id = account["id"]
    label = f"tài khoản {account_id} ({account.get('organisation', '')})"
    prev_hash, balance, expected = GENESIS, 0, 1
    for row in account["entries"]:
        entry = dict(zip(fields, row, strict=True))
        stored = entry.pop("hash")
        rule = entry.get("hash_rule") or 1
        seq, amount, balance_after = entry["seq"], entry["amount"], entry["balance_after"]
        where = f"{label}, bút toán #{seq}"
        if seq != expected:
            _fail(report, f"{where}: thiếu hoặc thừa bút toán (mong đợi #{expected}).")
            return
        if entry["prev_hash"] != prev_hash:
            _fail(report, f"{where}: không nối tiếp bút toán trước (mã băm trước bị thay).")
            return
        memo = entry["memo"]
        if (
            rule == 2
            and memo is not None
            and memo_commit(entry["memo_salt"], memo) != entry["memo_commit"]
        ):
            _fail(report, f"{where}: diễn giải không khớp cam kết của nó (đã bị sửa).")
            return
        if entry["memo"] is None and rule == 2:
            report.withheld += 1
            entry["memo"] = ""
            if entry_hash(account_id=account_id, **entry) != stored:
                _fail(report, f"{where}: nội dung đã bị sửa (không khớp mã băm).")
                return
        elif entry["memo"] is None:
            report.withheld += 1
            report.unhashed += 1
        elif entry_hash(account_id=account_id, **entry) != stored:
            _fail(report, f"{where}: nội dung đã bị sửa (không khớp mã băm).")
            return
        balance += int(amount)
        if balance != balance_after or balance < 0:
            _fail(report, f"{where}: số dư không khớp các bút toán.")
            return
        prev_hash, expected = stored, expected + 1
        report.checked += 1


# --- a downloaded file against a checkpoint log obtained earlier ---------------------------


@dataclass
class Comparison:
    problems: list = field(default_factory=list)
    compared: int = 0
    newer: int = 0  # heads past the file's last entry (the file is older than the checkpoint)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_against_checkpoints(document: dict, log: dict) -> Comparison:
    """Every checkpointed head of the file's accounts must be the file's entry at that
    sequence: a chain re-hashed after an edit, even re-signed, disagrees with a checkpoint
    published (and copied by someone else) before the edit."""
    from nhandao.audit.checkpoints import verify_log

    result = Comparison(problems=[f"nhật ký điểm mốc: {p}" for p in verify_log(log)])
    fields = FORMATS.get(document.get("format"), FIELDS)
    seq_at, hash_at = fields.index("seq"), fields.index("hash")
    files = {
        a["id"]: (a.get("organisation"), {row[seq_at]: row[hash_at] for row in a["entries"]})
        for a in document.get("accounts", [])
    }
    for point in log.get("checkpoints") or []:
        for account, organisation, seq, digest in point["heads"]:
            if account not in files:
                continue
            owner, hashes = files[account]
            where = f"điểm mốc {point['number']}: tài khoản {account}, bút toán #{seq}"
            if owner != organisation:
                result.problems.append(f"{where}: tổ chức khác ({organisation} ≠ {owner}).")
            elif seq > max(hashes, default=0):
                result.newer += 1
            elif hashes.get(seq) != digest:
                result.problems.append(f"{where}: tệp khác điểm mốc (lịch sử đã bị viết lại).")
            else:
                result.compared += 1
    return result
