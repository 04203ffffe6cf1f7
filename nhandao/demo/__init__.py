"""The demo: the real map, the demo network and each app's demo data (`nhandao demo`).

The top layer: it depends on every app and no app depends on it.
"""


def __getattr__(name):
    # Transitional, while the `demo` command still does `from nhandao import demo`: the build
    # is loaded on first use, never while Django imports the installed apps (models not ready).
    import importlib

    return getattr(importlib.import_module("nhandao.demo.build"), name)
