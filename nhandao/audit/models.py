"""Append-only audit events.

The application never updates or deletes an event (save() and delete() refuse), and the
database refuses too: triggers created in migration 0002 reject UPDATE and DELETE on both
SQLite and PostgreSQL, so neither a bug nor the admin can rewrite history.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

GENESIS = "0" * 64


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "audit"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)

    def about(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One event, chained to the previous one (one chain for the whole installation): `hash`
    = SHA-256 of the event's canonical text (event_values), which includes `prev_hash`.
    Checkpoints (below) publish the chain's head, so a rewritten event is detected."""

    # set by save() before hashing (auto_now_add would set it after)
    at = models.DateTimeField("thời điểm", default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thực hiện",
    )
    actor_name = models.CharField("người thực hiện", max_length=150, blank=True)
    action = models.CharField("hành động", max_length=60, db_index=True)
    object_type = models.CharField("loại bản ghi", max_length=80)
    object_id = models.CharField("mã bản ghi", max_length=64)
    object_repr = models.CharField("bản ghi", max_length=250)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức",
    )
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    seq = models.PositiveBigIntegerField("số thứ tự", null=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    # how `hash` is computed (event_values): 1 every value in clear (events written before
    # the personal values were committed), 2 the personal values committed (AuditPersonalValue)
    hash_rule = models.PositiveSmallIntegerField(default=2, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Không được sửa sự kiện nhật ký.")
        with transaction.atomic():
            lock_chain("audit-events")
            head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
            seq, prev_hash = head if head and head[0] else (0, GENESIS)
            self.at = timezone.now()
            self.seq, self.prev_hash = seq + 1, prev_hash
            self.hash = event_hash(event_values(self))
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Không được xóa sự kiện nhật ký.")

    def revealed(self) -> dict:
        """The event as it was recorded: {"object_repr", "before", "after"}, each committed
        personal value (hash rule 2) replaced by the value kept in AuditPersonalValue, or by
        ERASED once the record's personal data was erased (audit.actions.forget_personal_values).
        Who may read which value is changes_for()'s business."""
        if getattr(self, "_revealed", None) is None:
            personal = committed_fields(self.object_type)
            kept = {}
            if self.hash_rule >= 2 and (personal or self.object_type in PERSONAL_REPR):
                kept = {row.key: row.value for row in self.personal_values.all()}

            def reveal(key, value):
                if key in kept:
                    return kept[key]
                field = key.partition(".")[2] or key
                registered = field in personal or (
                    key == "object_repr" and self.object_type in PERSONAL_REPR
                )
                return ERASED if registered and is_commitment(value) else value

            def reveal_dict(side, data):
                if not isinstance(data, dict):
                    return data
                return {k: reveal(f"{side}.{k}", v) for k, v in data.items()}

            self._revealed = {
                "object_repr": reveal("object_repr", self.object_repr),
                "before": reveal_dict("before", self.before),
                "after": reveal_dict("after", self.after),
            }
        return self._revealed

    @property
    def shown_repr(self) -> str:
        """The record's name as the pages show it (everyone who reads the event saw it
        before the names were committed; "đã xóa theo yêu cầu" after an erasure)."""
        return self.revealed()["object_repr"]

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field that changed."""
        shown = self.revealed()
        before, after = shown["before"] or {}, shown["after"] or {}
        stored_before, stored_after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [
            (k, before.get(k), after.get(k))
            for k in keys
            # two erased values compare by their commitments (equal values share a salt)
            if before.get(k) != after.get(k)
            or (before.get(k) == ERASED and stored_before.get(k) != stored_after.get(k))
        ]

    def changes_for(self, user) -> list[tuple[str, object, object]]:
        """changes(), with the values of sensitive fields (SENSITIVE_FIELDS) hidden from a
        user without the "sensitive" permission at the event's organisation."""
        from nhandao.orgs import access

        hidden = SENSITIVE_FIELDS.get(self.object_type, frozenset())
        if not hidden or access.can(user, "sensitive", self.organisation):
            return self.changes()
        return [(k, HIDDEN, HIDDEN) if k in hidden else (k, b, a) for k, b, a in self.changes()]


class AuditPersonalValue(models.Model):
    """A personal value of an audit event, outside the chain: the event's hashed payload
    holds only its commitment `sha256:` + SHA-256(salt + ":" + the value as canonical JSON)
    (hash rule 2), this row the value and its 128-bit salt. Erasing a person's data deletes
    these rows (audit.actions.forget_personal_values): the chain, which hashes only the
    commitments, verifies as before, and without the salt the value cannot be guessed back.
    Unlike the events, these rows may be deleted (no append-only trigger)."""

    event = models.ForeignKey(AuditEvent, on_delete=models.CASCADE, related_name="personal_values")
    # "object_repr", "before.<field>" or "after.<field>"
    key = models.CharField(max_length=120)
    salt = models.CharField(max_length=32)
    value = models.JSONField(null=True)
    # the person the value belongs to (the event's record, or the person a membership, a
    # donor… names): an erasure of that person deletes the row
    subject_type = models.CharField(max_length=80)
    subject_id = models.CharField(max_length=64)

    class Meta:
        verbose_name = "giá trị cá nhân trong nhật ký"
        verbose_name_plural = "giá trị cá nhân trong nhật ký"
        constraints = [
            models.UniqueConstraint(fields=["event", "key"], name="unique_audit_personal_value")
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="audit_value_subject")]

    def __str__(self):
        return f"{self.event_id}: {self.key}"


COMMITMENT_PREFIX = "sha256:"
ERASED = "(đã xóa theo yêu cầu)"


def commitment(salt: str, value) -> str:
    """The salted commitment a rule-2 event hashes in place of a personal value."""
    text = _CANONICAL.encode(_json_value(value))
    return COMMITMENT_PREFIX + hashlib.sha256(f"{salt}:{text}".encode()).hexdigest()


def is_commitment(value) -> bool:
    return (
        isinstance(value, str)
        and len(value) == len(COMMITMENT_PREFIX) + 64
        and value.startswith(COMMITMENT_PREFIX)
    )


def lock_chain(name: str) -> None:
    """Serialise the writers of one chain: a transaction-scoped advisory lock on PostgreSQL;
    SQLite transactions start IMMEDIATE (settings), so its writers are serialised already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"nhandao:{name}"])


_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _json_value(value):
    """A JSON field's value as it reads back from the database (keys as text, tuples as
    lists), so the hash of a new event and of the stored one agree."""
    return None if value is None else json.loads(json.dumps(value))


def event_values(event) -> list:
    """The canonical values of an event, in the order they are hashed. Never change this
    text (a test pins it): published checkpoints carry hashes made with it. Rule 1 (events
    written before the personal values were committed, and any object without `hash_rule`)
    is the list alone; rule 2 puts its number first (its personal values are commitments)."""
    at = event.at
    at_text = at if isinstance(at, str) else at.astimezone(UTC).isoformat(timespec="microseconds")
    rule = getattr(event, "hash_rule", None) or 1
    values = [
        event.seq,
        at_text,
        event.actor_id,
        event.actor_name,
        event.action,
        event.object_type,
        event.object_id,
        event.object_repr,
        event.organisation_id,
        _json_value(event.before),
        _json_value(event.after),
        event.prev_hash,
    ]
    return values if rule == 1 else [rule, *values]


def event_hash(values: list) -> str:
    return hashlib.sha256(_CANONICAL.encode(values).encode()).hexdigest()


# Fields of personal data whose values the audit log shows only to holders of the "sensitive"
# permission: {"app_label.model": fields}, filled by the apps that own such data (AppConfig.ready).
SENSITIVE_FIELDS: dict[str, frozenset] = {}
HIDDEN = "(ẩn — cần quyền xem thông tin nhạy cảm)"


def register_sensitive(model_label: str, fields) -> None:
    SENSITIVE_FIELDS[model_label] = SENSITIVE_FIELDS.get(model_label, frozenset()) | set(fields)


# Personal values an event about a record of these types keeps out of the chain (hash rule 2,
# AuditPersonalValue): the sensitive fields above, the other fields that say who the person is
# (a name, an address), and the record's name itself (object_repr) when it names a person.
PERSONAL_FIELDS: dict[str, frozenset] = {}
# {model label: the path from such a record to the person it names ("" = the record itself)}
PERSONAL_REPR: dict[str, str] = {}


def register_personal(model_label: str, fields=(), *, subject: str = "") -> None:
    """Keep out of the chain the record's name and `fields` of the events about records of
    `model_label`. `subject` is the attribute path from such a record to the person whose
    erasure forgets them ("individual", "membership.individual"; "" = the record itself)."""
    PERSONAL_FIELDS[model_label] = PERSONAL_FIELDS.get(model_label, frozenset()) | set(fields)
    PERSONAL_REPR[model_label] = subject


def committed_fields(model_label: str) -> frozenset:
    return SENSITIVE_FIELDS.get(model_label, frozenset()) | PERSONAL_FIELDS.get(
        model_label, frozenset()
    )


# ---------------------------------------------------------------------------------------------
# The hash-chained ledger (money moves only through these entries; actions in audit/ledger.py)
# ---------------------------------------------------------------------------------------------


class LedgerAccountQuerySet(models.QuerySet):
    def for_user(self, user, perm: str = "view"):
        from nhandao.orgs import access

        return access.scope(self, user, perm)


class LedgerAccount(models.Model):
    """A fund: (organisation, campaign, earmark). Its balance is derived from its entries.

    `earmark` is "" for unconditional money, otherwise a stable key such as
    "unit:2025-07:4", "household:17" or "purpose:<folded text>", so earmarked money sits in
    its own account and can only leave to its earmark.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        verbose_name="tổ chức",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        verbose_name="chiến dịch",
    )
    earmark = models.CharField("địa chỉ sử dụng (mã)", max_length=160, blank=True, default="")
    earmark_label = models.CharField("địa chỉ sử dụng", max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerAccountQuerySet.as_manager()

    class Meta:
        verbose_name = "tài khoản sổ quỹ"
        verbose_name_plural = "tài khoản sổ quỹ"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "campaign", "earmark"],
                condition=models.Q(campaign__isnull=False),
                name="unique_ledger_account",
            ),
            models.UniqueConstraint(
                fields=["organisation", "earmark"],
                condition=models.Q(campaign__isnull=True),
                name="unique_ledger_account_no_campaign",
            ),
        ]

    def __str__(self):
        parts = [str(self.organisation)]
        if self.campaign_id:
            parts.append(str(self.campaign))
        parts.append(self.earmark_label or "không chỉ định")
        return " · ".join(parts)

    def head(self):
        """The last entry of the account (None when it has none)."""
        return self.entries.order_by("-seq").first()

    def balance(self) -> int:
        head = self.head()
        return head.balance_after if head else 0


class EntryKind(models.TextChoices):
    DONATION = "donation", "Tiếp nhận ủng hộ"
    REVERSAL = "reversal", "Bút toán đảo"
    TRANSFER_IN = "transfer_in", "Nhận chuyển"
    TRANSFER_OUT = "transfer_out", "Chuyển đi"
    SPEND = "spend", "Chi"


class LedgerEntry(models.Model):
    """One append-only line of an account, chained to the previous line of that account.

    `hash` = SHA-256 of the canonical text of the entry (see audit/ledger.py), which includes
    `prev_hash`; editing any stored entry breaks its hash and every later link.
    The database refuses UPDATE and DELETE (migration 0003), like audit events.
    """

    # no index of its own: the unique (account, seq) index serves it
    account = models.ForeignKey(
        LedgerAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name="tài khoản",
        db_index=False,
    )
    seq = models.PositiveBigIntegerField("số thứ tự")
    at = models.DateTimeField("ghi lúc")
    booked_on = models.DateField("ngày nghiệp vụ")
    kind = models.CharField("loại", max_length=16, choices=EntryKind.choices)
    amount = models.BigIntegerField("số tiền (đồng, + vào / − ra)")
    balance_after = models.BigIntegerField("số dư sau")
    memo = models.CharField("diễn giải", max_length=255, blank=True, default="")
    source = models.CharField("chứng từ gốc", max_length=120, blank=True, default="")
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name="đảo bút toán",
    )
    transfer = models.CharField("mã chuyển quỹ", max_length=36, blank=True, default="")
    actor_name = models.CharField("người ghi", max_length=150, blank=True, default="")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # how `hash` is computed (audit/ledger.py): 1 memo in clear (older entries), 2 memo
    # committed with `memo_salt`, so a withheld memo is still bound by the chain
    hash_rule = models.PositiveSmallIntegerField(default=2)
    memo_salt = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = "bút toán sổ quỹ"
        verbose_name_plural = "bút toán sổ quỹ"
        ordering = ["account", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["account", "seq"], name="unique_ledger_seq"),
        ]
        # Every entry but donations (transfers, spending, reversals: a few per decision or
        # hand-out, never millions): the figures module reads a campaign's money flows from
        # the ledger through this small index instead of scanning its donations.
        indexes = [
            models.Index(
                fields=["account", "kind"],
                condition=~models.Q(kind="donation"),
                name="ledger_moves_idx",
            )
        ]

    def __str__(self):
        return f"#{self.seq} {self.booked_on:%d/%m/%Y} {self.amount:+,} ({self.account_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Không được sửa bút toán sổ quỹ: hãy ghi bút toán đảo.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Không được xóa bút toán sổ quỹ: hãy ghi bút toán đảo.")


# ---------------------------------------------------------------------------------------------
# Checkpoints: the chains' heads, signed and published (audit/checkpoints.py)
# ---------------------------------------------------------------------------------------------


class AppendOnlyModel(models.Model):
    """Written once: save() of a stored row and delete() refuse (the database refuses too)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Không được sửa điểm mốc đã công bố.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Không được xóa điểm mốc đã công bố.")


class CheckpointReason(models.TextChoices):
    IMPORT = "import", "Sau khi nhập sao kê"
    DAILY = "daily", "Hằng ngày"
    MANUAL = "manual", "Theo yêu cầu"


class Checkpoint(AppendOnlyModel):
    """One point of the public checkpoint log: the head (sequence, hash) of every ledger
    account that moved since the previous checkpoint, and of the audit events' chain;
    chained to the previous checkpoint and signed by each organisation whose accounts it
    names (and by the top-level organisations, for the audit chain)."""

    number = models.PositiveIntegerField("số", unique=True)
    taken_at = models.DateTimeField("lúc")
    reason = models.CharField("lý do", max_length=10, choices=CheckpointReason.choices)
    audit_seq = models.PositiveBigIntegerField(default=0)
    audit_hash = models.CharField(max_length=64)
    heads_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "điểm mốc"
        verbose_name_plural = "điểm mốc"
        ordering = ["number"]

    def __str__(self):
        return f"Điểm mốc {self.number} ({self.taken_at:%d/%m/%Y %H:%M})"


class CheckpointHead(AppendOnlyModel):
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="heads")
    account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="checkpoint_heads"
    )
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["account", "seq"])]

    def __str__(self):
        return f"{self.checkpoint_id}: {self.account_id} #{self.seq}"


class CheckpointSignature(AppendOnlyModel):
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    key_id = models.CharField(max_length=16)
    public_key = models.CharField(max_length=64)
    value = models.CharField(max_length=120)

    def __str__(self):
        return f"{self.checkpoint_id}: {self.key_id}"
