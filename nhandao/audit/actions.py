"""Writing audit events. Every action in every app calls `record()` inside its transaction."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models

from nhandao.audit.models import AuditEvent


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


def record(actor, action: str, obj: models.Model, *, before=None, after=None, organisation=None):
    """Append one event: who, when (now), what action, which record, before and after."""
    if organisation is None:
        from nhandao.orgs.models import Organisation

        is_org = isinstance(obj, Organisation)
        organisation = obj if is_org else getattr(obj, "organisation", None)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "hệ thống"),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:250],
        organisation=organisation,
        before=before,
        after=after,
    )
