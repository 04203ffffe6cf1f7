"""The API: one NinjaAPI under /api/ mounting each app's router.

Authentication: the browser session (with CSRF on writes) or a bearer token
(accounts.api.TokenAuth). Errors are JSON: {"detail": "...", "errors": {"field": ["..."]}}
with Vietnamese messages; their shape and codes are the frame's (lib/api.py).

The top layer with nhandao/urls.py: it imports every app's router, and no app imports it.
"""

from ninja.security import django_auth

from nhandao.accounts.api import TokenAuth
from nhandao.accounts.api import router as accounts_router
from nhandao.beneficiaries.api import router as beneficiaries_router
from nhandao.blood.api import router as blood_router
from nhandao.campaigns.api import router as campaigns_router
from nhandao.coordination.api import router as coordination_router
from nhandao.donations.api import router as donations_router
from nhandao.emulation.api import router as emulation_router
from nhandao.lib.api import DocumentedErrorsAPI, install_error_handlers
from nhandao.movements.api import router as movements_router
from nhandao.orgs.api import router as orgs_router
from nhandao.people.api import router as people_router
from nhandao.portal.api import router as portal_router
from nhandao.relief.api import router as relief_router
from nhandao.reports.api import router as reports_router

api = DocumentedErrorsAPI(
    title="nhandao API",
    version="1",
    description="API của nhandao. Dữ liệu bản đồ hành chính là công khai; còn lại cần đăng nhập "
    "(phiên trình duyệt hoặc khóa API: `Authorization: Bearer nd_…`).",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)
install_error_handlers(api)

# the public router first: its search is the busiest endpoint, and URL resolution tries the
# patterns in order
api.add_router("/", portal_router)
api.add_router("/", accounts_router)
api.add_router("/", campaigns_router)
api.add_router("/", donations_router)
api.add_router("/", orgs_router)
api.add_router("/", beneficiaries_router)
api.add_router("/", relief_router)
api.add_router("/", reports_router)
api.add_router("/", blood_router)
api.add_router("/", emulation_router)
api.add_router("/", coordination_router)
api.add_router("/", movements_router)
api.add_router("/", people_router)
