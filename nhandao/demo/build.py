"""Builds the demo database: the real map, the demo network and each app's demo data.

Each app's demo data is a module here (orgs.py, campaigns.py, beneficiaries.py, relief.py,
reports.py) whose `seed(actor, network)` runs in order, in one transaction, only on an empty
database.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from nhandao.audit.models import CheckpointReason
from nhandao.demo import beneficiaries as beneficiaries_demo
from nhandao.demo import blood as blood_demo
from nhandao.demo import campaigns as campaigns_demo
from nhandao.demo import coordination as coordination_demo
from nhandao.demo import emulation as emulation_demo
from nhandao.demo import movements as movements_demo
from nhandao.demo import orgs as orgs_demo
from nhandao.demo import people as people_demo
from nhandao.demo import relief as relief_demo
from nhandao.demo import reports as reports_demo
from nhandao.donations.checkpoints import take as take_checkpoint
from nhandao.orgs.mapdata import load_admin_units, map_is_loaded
from nhandao.orgs.models import Organisation

ADMIN_USERNAME = "admin"


def is_seeded() -> bool:
    return Organisation.objects.exists()


@transaction.atomic
def build() -> list[tuple[str, str, str]]:
    """Seed everything; returns the demo logins (username, role, organisation)."""
    if not map_is_loaded():
        load_admin_units()
    admin = get_user_model().objects.create_superuser(
        ADMIN_USERNAME, password=orgs_demo.DEMO_PASSWORD, full_name="Quản trị hệ thống"
    )
    network = orgs_demo.seed(admin)
    campaigns_demo.seed(admin, network)
    beneficiaries_demo.seed(admin, network)
    logins = [(ADMIN_USERNAME, "Quản trị hệ thống (superuser)", "toàn hệ thống")]
    logins += orgs_demo.demo_users(admin, network)
    beneficiaries_demo.seed_data_request(network)  # received by a demo user
    relief_demo.seed(admin, network)  # after the logins: it acts as the demo users
    people_demo.seed(admin, network)  # members, fees, volunteers: acts as the demo users
    blood_demo.seed(admin, network)  # after relief, before reports (its units)
    movements_demo.seed(admin, network)  # after relief, before reports (they may read it)
    reports_demo.seed(admin, network)  # after relief: the reports read its distributions
    emulation_demo.seed(admin, network)  # after reports: its criteria read approved reports
    logins += coordination_demo.seed(admin, network)  # after reports: programme actuals
    # the first checkpoint of every chain: the public log (/cong-khai/so-quy/diem-moc.json)
    # is not empty on a fresh demo; the worker adds one after each import, a timer daily
    take_checkpoint(CheckpointReason.MANUAL)
    return logins


def logins() -> list[tuple[str, str, str]]:
    """The demo logins of an already seeded database (for printing again)."""
    rows = [(ADMIN_USERNAME, "Quản trị hệ thống (superuser)", "toàn hệ thống")]
    User = get_user_model()
    for user in User.objects.exclude(username=ADMIN_USERNAME).order_by("pk"):
        for role in user.roles.select_related("organisation"):
            rows.append((user.username, role.get_role_display(), role.organisation.name))
    return rows
