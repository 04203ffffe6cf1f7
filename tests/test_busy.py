"""A locked database answers 503 "Hệ thống đang bận" (page and API), never 500; another
database error is still an error."""

import pytest
from django.db import OperationalError

from nhandao.lib import busy
from nhandao.orgs import views as org_views


def locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_a_locked_database_is_a_503_in_vietnamese_on_pages(cast, login, monkeypatch):
    client = login(cast.hn_officer)
    monkeypatch.setattr(org_views, "render", locked)
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Hệ thống đang bận" in response.content.decode()


def test_a_locked_database_is_a_503_in_the_api_shape(cast, login, monkeypatch):
    from nhandao.accounts import api as accounts_api

    client = login(cast.hn_officer)
    monkeypatch.setattr(accounts_api.access, "forget", locked)
    response = client.get("/api/me")
    assert response.status_code == 503
    assert response.json()["detail"] == busy.MESSAGE


def test_other_database_errors_are_not_hidden(cast, login, monkeypatch):
    from nhandao.accounts import api as accounts_api

    def broken(*args, **kwargs):
        raise OperationalError("no such table: x")

    client = login(cast.hn_officer)
    client.raise_request_exception = True
    monkeypatch.setattr(accounts_api.access, "forget", broken)
    with pytest.raises(OperationalError):
        client.get("/api/me")
