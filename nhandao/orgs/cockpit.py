"""The cockpit's frame around every page: the menu by permission and the organisation in
context (shown in the top bar, switchable for users with roles at several organisations).

The registries themselves (menu entries, waiting work) are lib/cockpit.py; the permission
checks they need are here, since access lives in orgs."""

from nhandao.lib import cockpit
from nhandao.orgs import access
from nhandao.orgs.models import Organisation

SESSION_KEY = "org_context"


def role_organisations(user) -> list[Organisation]:
    """The organisations where the user holds a role, highest first (the switch's choices)."""
    if not (user and user.is_authenticated):
        return []
    paths = sorted({path for path, _ in access._role_paths(user)}, key=lambda p: (len(p), p))
    by_path = {o.path: o for o in Organisation.objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]


def context_organisation(request) -> Organisation | None:
    """The organisation the user works for on this visit: the one chosen in the switch if it
    is still one of theirs, else their highest (access.home_organisation)."""
    user = request.user
    chosen = request.session.get(SESSION_KEY)
    if chosen:
        for org in role_organisations(user):
            if org.pk == chosen:
                return org
    return access.home_organisation(user)


def menu_for(user) -> list:
    return cockpit.menu(lambda perm: access.can_anywhere(user, perm))


def frame(request) -> dict:
    """Context processor: the menu and the organisation in context, computed only when a
    template asks for them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached: dict = {}

    def once(key, compute):
        def get():
            if key not in cached:
                cached[key] = compute()
            return cached[key]

        return get

    return {
        "menu": once("menu", lambda: menu_for(user)),
        "context_org": once("org", lambda: context_organisation(request)),
        "switch_orgs": once("switch", lambda: role_organisations(user)),
    }
