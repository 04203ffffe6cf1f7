"""The demo: the real map, the demo network and each app's demo data (`nhandao demo`).

The top layer: it depends on every app and no app depends on it (tests/test_layers.py).
build.py runs the seeds; orgs.py, campaigns.py, beneficiaries.py and relief.py are each
app's demo data; data/ holds the files only the demo reads.
"""
