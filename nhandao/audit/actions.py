"""Writing audit events. Every action in every app calls `record()` inside its transaction."""

import secrets
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from nhandao.audit.models import (
    PERSONAL_REPR,
    AuditEvent,
    AuditPersonalValue,
    commitment,
    committed_fields,
)


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    """The named fields of `obj` as JSON values (foreign keys as their ids)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        data[name] = _jsonable(value)
    return data


def _commit_personal(object_type: str, object_repr: str, before, after):
    """Hash rule 2: the personal values of the event replaced by their salted commitments
    (decision 0025). Returns (object_repr, before, after, side rows {key: (salt, value)}).
    An empty value is kept as it is (it says nothing); a field equal before and after gets
    one salt, so an unchanged value still reads as unchanged once erased."""
    fields = committed_fields(object_type)
    side = {}

    def commit(key, value, salt=None):
        salt = salt or secrets.token_hex(16)  # 128 bits: no list of names or numbers finds it
        side[key] = (salt, value)
        return commitment(salt, value)

    if object_type in PERSONAL_REPR and object_repr:
        object_repr = commit("object_repr", object_repr)
    if fields:
        before = dict(before) if isinstance(before, dict) else before
        after = dict(after) if isinstance(after, dict) else after
        for name in sorted(fields):
            old = before.get(name) if isinstance(before, dict) else None
            new = after.get(name) if isinstance(after, dict) else None
            shared = secrets.token_hex(16) if old == new else None
            if old not in (None, "", [], {}):
                before[name] = commit(f"before.{name}", old, shared)
            if new not in (None, "", [], {}):
                after[name] = commit(f"after.{name}", new, shared)
    return object_repr, before, after, side


def record(actor, action: str, obj: models.Model, *, before=None, after=None, organisation=None):
    """Append one event: who, when (now), what action, which record, before and after.
    Personal values (audit.models.register_sensitive / register_personal) go into the
    chain as commitments and beside it in AuditPersonalValue."""
    if organisation is None:
        from nhandao.orgs.models import Organisation

        is_org = isinstance(obj, Organisation)
        organisation = obj if is_org else getattr(obj, "organisation", None)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    object_type = obj._meta.label_lower
    object_repr, before, after, side = _commit_personal(object_type, str(obj)[:250], before, after)
    event = AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "hệ thống"),
        action=action,
        object_type=object_type,
        object_id=str(obj.pk),
        object_repr=object_repr,
        organisation=organisation,
        before=before,
        after=after,
    )
    if side:
        subject = _subject(obj)
        AuditPersonalValue.objects.bulk_create(
            AuditPersonalValue(
                event=event,
                key=key,
                salt=salt,
                value=value,
                subject_type=subject._meta.label_lower,
                subject_id=str(subject.pk),
            )
            for key, (salt, value) in side.items()
        )
    return event


def _subject(obj: models.Model) -> models.Model:
    """The person a record's personal values belong to (register_personal's `subject`)."""
    path = PERSONAL_REPR.get(obj._meta.label_lower, "")
    subject = obj
    for name in path.split(".") if path else []:
        subject = getattr(subject, name, None)
        if subject is None:  # no person behind it: the record itself holds the values
            return obj
    return subject


def forget_personal_values(model: type[models.Model] | models.Model, pk) -> int:
    """Erasure (decision 0025): delete the personal values kept beside the events about one
    person's record and about the records that name them (a membership, a donor…). The
    events keep their commitments, so the chain and every published checkpoint still
    verify; the pages then show "đã xóa theo yêu cầu". Returns the rows deleted."""
    label = model._meta.label_lower
    rows = AuditPersonalValue.objects.filter(subject_type=label, subject_id=str(pk))
    deleted, _by_model = rows.delete()
    return deleted
