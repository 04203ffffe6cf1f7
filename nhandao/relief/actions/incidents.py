"""Incidents (disasters, epidemics, serious incidents) and their affected communes."""

from django.db import transaction

from nhandao.audit.actions import record, snapshot
from nhandao.lib.text import nfc
from nhandao.relief.actions.common import _require
from nhandao.relief.models import Incident, IncidentArea
from nhandao.relief.rules import ReliefError


@transaction.atomic
def create_incident(
    actor, *, organisation, kind, name, start, end=None, description="", campaigns=()
) -> Incident:
    _require(actor, "edit", organisation, "Bạn không có quyền ghi nhận sự cố cho tổ chức này.")
    incident = Incident.objects.create(
        organisation=organisation,
        kind=kind,
        name=nfc(name),
        start=start,
        end=end,
        description=nfc(description),
    )
    if campaigns:
        incident.campaigns.set(campaigns)
    record(
        actor,
        "relief.incident_created",
        incident,
        after=snapshot(incident, ["kind", "name", "start", "end"]),
    )
    return incident


@transaction.atomic
def set_incident_area(actor, incident, commune, **figures) -> IncidentArea:
    _require(actor, "edit", incident.organisation, "Bạn không có quyền sửa sự cố này.")
    if commune.level != "commune" or commune.map != "2025-07":
        raise ReliefError("Địa bàn bị ảnh hưởng phải là một xã/phường trên bản đồ hiện hành.")
    if any(int(v or 0) < 0 for v in figures.values() if not isinstance(v, str)):
        raise ReliefError("Số liệu thiệt hại, nhu cầu không được âm.")
    area, _ = IncidentArea.objects.update_or_create(
        incident=incident, commune=commune, defaults=figures
    )
    record(
        actor,
        "relief.incident_area",
        incident,
        after={"commune": commune.pk, **{k: v for k, v in figures.items()}},
    )
    return area
