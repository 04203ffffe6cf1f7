"""Shared fixtures: the real administrative map (loaded once per run) and a named cast.

The cast, on a small tree that mirrors the real reform:

    CTD-TW  Trung ương Hội CTĐ                       ← tw_admin (org admin), tw_manager
    ├── CTD-1  Hội CTĐ Hà Nội                         ← hn_admin, hn_manager, hn_accountant,
    │   │                                                hn_officer, hn_viewer
    │   ├── CTD-H1  Hội CTĐ Quận Ba Đình (dissolved 1/7/2025 into CTD-1)
    │   ├── CTD-X4  Hội CTĐ Phường Ba Đình            ← ba_dinh_officer, ba_dinh_accountant
    │   │   └── CTD-X13-2024 Hội CTĐ Phường Quán Thánh (merged into CTD-X4)
    │   └── CTD-X8  Hội CTĐ Phường Ngọc Hà            ← ngoc_ha_officer (a sibling commune)
    └── CTD-8  Hội CTĐ Tuyên Quang                    ← tq_officer (another province)
        └── CTD-X2269 Hội CTĐ Xã ...
    MTTQ-TW Ủy ban TƯ MTTQ (another root)             ← front_manager
    outsider: no role anywhere; anon: not logged in; root: superuser
"""

import signal
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django_tasks_db.models import DBTaskResult

from nhandao.orgs import actions
from nhandao.orgs.mapdata import load_admin_units
from nhandao.orgs.models import MERGER_DAY, AdminMap, AdminUnit, OrgKind, OrgLevel, RoleKind


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The whole real map, once per test run (tests roll back around it)."""
    with django_db_blocker.unblock():
        load_admin_units()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path_factory):
    """Uploaded files (every import keeps its file: lib.imports) go to a folder of the run,
    never into the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts from an empty cache: the in-memory cache outlives a test's rolled-back
    database, so a count cached by one test (the home page's duplicate groups, a rate-limit
    counter) would be read by the next one, whose records reuse the same ids."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    """Text messages of a test only (settings: the in-memory SMS backend under pytest), as
    pytest-django empties django.core.mail.outbox."""
    from nhandao.lib import sms

    sms.outbox.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def unit(code, admin_map=AdminMap.NEW, level="commune"):
    return AdminUnit.objects.get(map=admin_map, level=level, code=code)


def make_org(actor, parent, code, name, level, admin_unit=None, kind=OrgKind.RED_CROSS):
    return actions.create_organisation(
        actor,
        parent=parent,
        code=code,
        name=name,
        kind=kind,
        level=level,
        admin_unit=admin_unit,
        partner_type="",
    )


PASSWORD = "Mat-khau-thu-nghiem-1"


@pytest.fixture
def cast(db):
    User = get_user_model()
    root = User.objects.create_superuser("root", password=PASSWORD)
    c = SimpleNamespace(root=root)
    c.central = make_org(
        root, None, "CTD-TW", "Trung ương Hội Chữ thập đỏ Việt Nam", OrgLevel.CENTRAL
    )
    c.front = make_org(
        root,
        None,
        "MTTQ-TW",
        "Ủy ban Trung ương MTTQ Việt Nam",
        OrgLevel.CENTRAL,
        kind=OrgKind.FRONT,
    )
    c.hanoi = make_org(
        root,
        c.central,
        "CTD-1",
        "Hội Chữ thập đỏ Hà Nội",
        OrgLevel.PROVINCE,
        unit("1", level="province"),
    )
    c.tuyen_quang = make_org(
        root,
        c.central,
        "CTD-8",
        "Hội Chữ thập đỏ Tuyên Quang",
        OrgLevel.PROVINCE,
        unit("8", level="province"),
    )
    c.ba_dinh_district = make_org(
        root,
        c.hanoi,
        "CTD-H1",
        "Hội Chữ thập đỏ Quận Ba Đình",
        OrgLevel.DISTRICT,
        unit("1", AdminMap.OLD, "district"),
    )
    c.quan_thanh = make_org(
        root,
        c.ba_dinh_district,
        "CTD-X13-2024",
        "Hội Chữ thập đỏ Phường Quán Thánh",
        OrgLevel.COMMUNE,
        unit("13", AdminMap.OLD),
    )
    c.ba_dinh = make_org(
        root, c.hanoi, "CTD-X4", "Hội Chữ thập đỏ Phường Ba Đình", OrgLevel.COMMUNE, unit("4")
    )
    c.ngoc_ha = make_org(
        root, c.hanoi, "CTD-X8", "Hội Chữ thập đỏ Phường Ngọc Hà", OrgLevel.COMMUNE, unit("8")
    )
    tq_commune = (
        AdminUnit.objects.filter(map=AdminMap.NEW, level="commune", province__code="8")
        .order_by("code")
        .first()
    )
    c.tq_commune = make_org(
        root,
        c.tuyen_quang,
        f"CTD-X{tq_commune.code}",
        f"Hội Chữ thập đỏ {tq_commune.name}",
        OrgLevel.COMMUNE,
        tq_commune,
    )
    actions.merge_organisations(root, [c.quan_thanh], c.ba_dinh, MERGER_DAY)
    actions.dissolve_organisation(root, c.ba_dinh_district, c.hanoi, MERGER_DAY)
    for org in (c.quan_thanh, c.ba_dinh_district, c.ba_dinh):
        org.refresh_from_db()

    def person(username, org=None, role=None):
        user = User.objects.create_user(username, password=PASSWORD, full_name=username)
        if org is not None:
            actions.grant_role(root, user, org, role)
        return user

    c.tw_admin = person("tw_admin", c.central, RoleKind.ORG_ADMIN)
    c.tw_manager = person("tw_manager", c.central, RoleKind.MANAGER)
    c.front_manager = person("front_manager", c.front, RoleKind.MANAGER)
    c.hn_admin = person("hn_admin", c.hanoi, RoleKind.ORG_ADMIN)
    c.hn_manager = person("hn_manager", c.hanoi, RoleKind.MANAGER)
    c.hn_accountant = person("hn_accountant", c.hanoi, RoleKind.ACCOUNTANT)
    c.hn_officer = person("hn_officer", c.hanoi, RoleKind.OFFICER)
    c.hn_viewer = person("hn_viewer", c.hanoi, RoleKind.VIEWER)
    c.ba_dinh_officer = person("ba_dinh_officer", c.ba_dinh, RoleKind.OFFICER)
    c.ba_dinh_accountant = person("ba_dinh_accountant", c.ba_dinh, RoleKind.ACCOUNTANT)
    c.ngoc_ha_officer = person("ngoc_ha_officer", c.ngoc_ha, RoleKind.OFFICER)
    c.tq_officer = person("tq_officer", c.tuyen_quang, RoleKind.OFFICER)
    c.outsider = person("outsider")
    return c


@pytest.fixture
def login(client):
    """login(user) → the test client, logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


class TaskQueue:
    """The background queue of a test, worked the way production works it: `run()` does
    what COMMIT and `nhandao db_worker` do in production.

    Actions queue their tasks when their transaction commits (lib.tasks.enqueue_on_commit),
    and a test's transaction never commits: `run()` first runs the on-commit callbacks the
    test's actions registered (Django's captureOnCommitCallbacks), then works the database
    queue with the worker command itself (`db_worker --batch`: claim, run, record the result,
    until no task is ready), and again while the tasks it ran queued more (an import queues
    its receipts)."""

    def __init__(self):
        self._open()

    def _open(self):
        self._capture = TestCase.captureOnCommitCallbacks(execute=False)
        self._callbacks = self._capture.__enter__()

    def _close(self) -> list:
        self._capture.__exit__(None, None, None)
        return self._callbacks

    def _run_on_commit(self) -> None:
        callbacks = self._close()
        self._open()  # callbacks registered by these callbacks are caught by the next round
        for callback in callbacks:
            callback()

    def ready(self):
        """The task rows waiting for a worker."""
        return DBTaskResult.objects.ready()

    def results(self, task=None) -> list:
        """The TaskResults of the tasks queued so far (of one task), oldest first."""
        rows = DBTaskResult.objects.order_by("enqueued_at")
        if task is not None:
            rows = rows.filter(task_path=task.module_path)
        return [row.task_result for row in rows]

    def run(self) -> None:
        self._run_on_commit()
        while self.ready().exists():
            self.work()
            self._run_on_commit()

    def work(self) -> None:
        """`nhandao db_worker --batch` once: a worker starting (it sweeps the tasks of dead
        processes first), working every ready task, then stopping."""
        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        finally:
            for number, handler in handlers.items():  # the worker installs its own
                signal.signal(number, handler)


@pytest.fixture
def tasks(db, monkeypatch):
    """The background queue: `tasks.run()` runs what the test's actions queued (TaskQueue)."""
    from django_tasks_db.management.commands import db_worker

    # The worker checks its connection between tasks and drops it when autocommit is off, as
    # it is inside a test's transaction: that would end the test's transaction. Django's test
    # client keeps requests from doing the same (it disconnects close_old_connections from
    # request_started/finished); here the worker's call is made a no-op.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    queue = TaskQueue()
    yield queue
    queue._close()


@pytest.fixture
def reload_map_afterwards(django_db_blocker):
    """A transactional test empties every table when it ends (TRUNCATE on PostgreSQL):
    put the administrative map and the relief reference data back for the tests that follow.

    Ask for it BEFORE `transactional_db` and never mark such a test
    `@pytest.mark.django_db(transaction=True)`: the marker makes pytest-django set up (and so
    tear down) the database first, and the table-emptying would then run after this reload."""
    yield
    _load_reference(django_db_blocker)


def _load_reference(django_db_blocker):
    import importlib

    from django.apps import apps

    from nhandao.orgs.mapdata import load_admin_units

    reference = importlib.import_module("nhandao.relief.migrations.0002_reference_data")
    with django_db_blocker.unblock():
        load_admin_units()
        reference.load(apps, None)
