"""Schemathesis against the published schema (/api/openapi.json), through the WSGI app in
this process (the test database, no server): generated requests to every GET operation,
bounded examples; no server error and no reply outside its documented shape."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from nhandao.wsgi import application

# No server error, and every answer documented and in its documented shape. Not
# "positive data acceptance": a schema-valid search without any term is refused (422) by
# a rule the schema cannot state.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def signed_in(cast, client):
    """The root's session cookie. The WSGI application closes the database connection when a
    request finishes (close_old_connections); on PostgreSQL that is the test's own
    connection, so, as Django's test client does, the signal is disconnected meanwhile."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    client.force_login(cast.root)
    yield {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.include(method="GET").parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_get_operations(case, signed_in):
    case.call_and_validate(headers=signed_in, checks=CHECKS)
