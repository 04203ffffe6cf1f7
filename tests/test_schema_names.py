"""Every reply and request type of the API has its own name: the published schema keeps one
component per name, so two types sharing a name showed one of them with the other's shape."""

from ninja import Schema

from nhandao.api import api


def test_no_two_api_types_share_a_name():
    api.get_openapi_schema()  # imports every router's types
    modules: dict[str, set[str]] = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("nhandao"):
                modules.setdefault(sub.__name__, set()).add(sub.__module__)
            walk(sub)

    walk(Schema)
    shared = {name: sorted(where) for name, where in modules.items() if len(where) > 1}
    assert shared == {}
