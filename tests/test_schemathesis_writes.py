"""Schemathesis against the published schema (/api/openapi.json), the writing operations:
generated POST, PUT, PATCH and DELETE requests, authenticated with a write-scoped API token of
a user holding roles in a small world (tests/conftest.py `cast`), bounded examples; no server
error and no reply outside its documented shape (issue #15, item 4). The requests run through
the WSGI app in this process against the test database: what they write is rolled back with
the test."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from nhandao.wsgi import application
from tests.test_schemathesis import CHECKS

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
WRITES = ["POST", "PUT", "PATCH", "DELETE"]


@pytest.fixture
def write_token(cast):
    """A write-scoped token of a user holding roles at a province and at a commune below it.
    The WSGI application closes the database connection when a request finishes
    (close_old_connections); on PostgreSQL that is the test's own connection, so, as
    Django's test client does, the signal is disconnected meanwhile."""
    from django.contrib.auth import get_user_model
    from django.core import signals
    from django.db import close_old_connections

    from nhandao.accounts.actions import issue_token
    from nhandao.orgs import actions
    from nhandao.orgs.models import RoleKind

    user = get_user_model().objects.create_user("fuzz", password="x", full_name="Máy thử")
    for org, role in [
        (cast.hanoi, RoleKind.MANAGER),
        (cast.hanoi, RoleKind.ACCOUNTANT),
        (cast.ba_dinh, RoleKind.OFFICER),
        (cast.ba_dinh, RoleKind.ORG_ADMIN),
    ]:
        actions.grant_role(cast.root, user, org, role)
    raw = issue_token(user, "schemathesis", scope="write", days=30)
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {raw}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.include(method=WRITES).parametrize()
# derandomize: the same requests on every run, so a submission's CI never fails on a draw
# the last run did not make; a changed schema or code makes new ones
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_write_operations(case, write_token):
    case.call_and_validate(headers=write_token, checks=CHECKS)


# --- what the fuzzing found, each fixed in the app ------------------------------------------


def test_a_body_that_is_not_json_is_refused_with_a_vietnamese_422(cast, client):
    """Was ninja's undocumented 400 "Cannot parse request body" (English)."""
    client.force_login(cast.root)
    response = client.post("/api/campaigns", data='"', content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"detail": "Nội dung JSON không đọc được."}


@pytest.mark.parametrize("pairs", [[2**63], [0], [-5]])
def test_a_group_merge_with_an_id_no_record_can_have_is_refused(cast, client, pairs):
    """Was a 500: an id past the database's integer (OverflowError on SQLite)."""
    import json

    client.force_login(cast.root)
    response = client.post(
        "/api/duplicates/groups/merge",
        data=json.dumps({"pairs": pairs, "survivor": 1}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["pairs"] == ["Danh sách mã không hợp lệ (chỉ gồm các số)."]
