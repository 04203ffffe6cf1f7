"""Audit events cannot be changed or deleted, by the application or behind its back."""

import pytest
from django.db import DatabaseError, connection, transaction

from nhandao.audit.models import AppendOnlyError, AuditEvent


def test_the_application_refuses_to_edit_or_delete_an_event(cast):
    event = AuditEvent.objects.first()
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_the_database_refuses_updates_and_deletes_too(cast):
    event = AuditEvent.objects.first()
    for sql in (
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_an_org_admin_browses_only_the_events_of_their_subtree(cast, login):
    page = login(cast.hn_admin).get("/nhat-ky/")
    assert page.status_code == 200
    shown = {e.organisation_id for e in page.context["page"]}
    assert cast.hanoi.pk in shown
    assert cast.tuyen_quang.pk not in shown
    assert cast.central.pk not in shown


def test_a_queryset_update_cannot_rewrite_history(cast):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().update(action="forged")


def test_every_audited_action_has_a_vietnamese_label():
    """The history tables show actions through |action_label: each action any app records
    (found in the source) must have its Vietnamese label."""
    import re
    from pathlib import Path

    from nhandao.audit.templatetags.audit_labels import ACTION_LABELS

    root = Path(__file__).resolve().parent.parent / "nhandao"
    pattern = re.compile(r'record\(\s*[\w.]+,\s*"([a-z_]+\.[a-z_.]+)"')
    recorded = {m.group(1) for p in root.rglob("*.py") for m in pattern.finditer(p.read_text())}
    assert len(recorded) > 30
    assert sorted(recorded - set(ACTION_LABELS)) == []


def test_the_audit_log_hides_personal_data_from_admins_without_the_sensitive_permission(
    cast, login
):
    from nhandao.beneficiaries import actions as registry

    registry.create_person(
        cast.ba_dinh_officer,
        organisation=cast.ba_dinh,
        full_name="Nguyễn Thị Hoa",
        birth_year=1985,
        id_number="001185012345",
        commune=cast.ba_dinh.admin_unit,
    )
    # an organisation admin reads the log but may not read personal data
    page = login(cast.hn_admin).get("/nhat-ky/?action=beneficiaries").content.decode()
    assert "Nguyễn Thị Hoa" in page and "001185012345" not in page
    assert "cần quyền xem thông tin nhạy cảm" in page
    # the superuser holds every permission and sees the value
    page = login(cast.root).get("/nhat-ky/?action=beneficiaries").content.decode()
    assert "001185012345" in page
