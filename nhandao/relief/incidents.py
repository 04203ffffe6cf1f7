"""Incidents: needs versus allocated, per province (aggregated, non-personal)."""

from django.db.models import Count, Sum

from nhandao.relief.models import Allocation, AllocationStatus, IncidentArea


def needs_vs_allocated(incident) -> list[dict]:
    """Per province: the needs its affected communes reported, what executed allocations
    linked to the incident brought into the province from outside, and the gap."""
    rows: dict[int, dict] = {}
    needs = (
        IncidentArea.objects.filter(incident=incident)
        .values("commune__province_id", "commune__province__name")
        .annotate(needs=Sum("needs_amount"), communes=Count("pk"))
    )
    for r in needs:
        rows[r["commune__province_id"]] = {
            "province_id": r["commune__province_id"],
            "province": r["commune__province__name"],
            "needs": r["needs"] or 0,
            "allocated": 0,
            "communes": r["communes"],
        }
    allocations = Allocation.objects.filter(
        incident=incident, status=AllocationStatus.EXECUTED, target_organisation__isnull=False
    ).select_related("organisation__admin_unit", "target_organisation__admin_unit")
    for a in allocations:
        unit = a.target_organisation.admin_unit
        if unit is None:
            continue
        province_id = unit.pk if unit.level == "province" else unit.province_id
        src = a.organisation.admin_unit
        if (
            src is not None
            and (src.pk if src.level == "province" else src.province_id) == province_id
        ):
            continue  # moved inside the province: not new money for it
        row = rows.setdefault(
            province_id,
            {
                "province_id": province_id,
                "province": (unit if unit.level == "province" else unit.province).name,
                "needs": 0,
                "allocated": 0,
                "communes": 0,
            },
        )
        row["allocated"] += a.amount
    out = []
    for row in rows.values():
        row["gap"] = max(row["needs"] - row["allocated"], 0)
        out.append(
            {
                k: row[k]
                for k in ("province_id", "province", "needs", "allocated", "gap", "communes")
            }
        )
    return sorted(out, key=lambda r: (-r["gap"], r["province"]))
