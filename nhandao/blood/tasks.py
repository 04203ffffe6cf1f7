"""Background work of the blood app (lib/tasks.py: queued after commit, run by the worker)."""

from django_tasks import task

from nhandao.blood import rules


@task()
def refresh_dates_after_rule_change(kind: str = "") -> dict:
    """The interval table changed (the admin, a data migration): move the stored "likely
    eligible from" of the donors it concerns. Queued by the table's signals (apps.py)."""
    return {"kind": kind, "donors_changed": rules.refresh_dates(kind)}
