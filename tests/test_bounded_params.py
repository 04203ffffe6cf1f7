"""No 500 from input: every integer query parameter of every GET endpoint in the published
schema, given a huge or negative number, answers 4xx (422 in the frame's shape), never 500.
The endpoints are read from /api/openapi.json, so a new one is covered without listing it."""

import pytest

HUGE = str(10**30)


def integer_query_parameters(schema: dict):
    for path, methods in schema["paths"].items():
        get = methods.get("get")
        if get is None or "{" in path:
            continue
        for parameter in get.get("parameters", []):
            kind = parameter.get("schema", {})
            types = {kind.get("type")} | {k.get("type") for k in kind.get("anyOf", [])}
            if parameter["in"] == "query" and "integer" in types:
                yield path, parameter["name"]


def test_the_published_schema_has_bounded_integer_parameters(client):
    schema = client.get("/api/openapi.json").json()
    found = list(integer_query_parameters(schema))
    assert ("/api/units", "page") in found and ("/api/public/campaigns", "year") in found
    for path, name in found:
        parameter = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)
        text = str(parameter["schema"])
        assert "maximum" in text, f"{path}?{name} has no upper bound"


@pytest.mark.parametrize("value", [HUGE, "-1", "0"])
def test_no_integer_query_parameter_answers_500(cast, client, value):
    client.force_login(cast.root)
    schema = client.get("/api/openapi.json").json()
    wrong = []
    for path, name in integer_query_parameters(schema):
        response = client.get(path, {name: value})
        if response.status_code >= 500:
            wrong.append(f"{path}?{name}={value}: {response.status_code}")
        elif value == HUGE and response.status_code != 422:
            wrong.append(f"{path}?{name}={value}: {response.status_code}, expected 422")
    assert wrong == []
