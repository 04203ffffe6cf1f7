from django.contrib import admin
from django.urls import include, path

from nhandao.api import api
from nhandao.lib import views as lib_views
from nhandao.lib.health import healthz
from nhandao.orgs import views as org_views

admin.site.site_header = "nhandao — quản trị hệ thống"
admin.site.site_title = "nhandao"

urlpatterns = [
    path("", org_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    # first: the public pages and the public API are the busiest (URL resolution tries the
    # patterns in order; "api/" fails at once for every other page)
    path("", include("nhandao.portal.urls")),
    path("api/", api.urls),
    path("", include("nhandao.accounts.urls")),
    path("", include("nhandao.orgs.urls")),
    path("", include("nhandao.audit.urls")),
    path("", include("nhandao.beneficiaries.urls")),
    path("", include("nhandao.relief.urls")),
    path("", include("nhandao.campaigns.urls")),
    path("", include("nhandao.donations.urls")),
    path("", include("nhandao.reports.urls")),
    path("", include("nhandao.blood.urls")),
    path("", include("nhandao.emulation.urls")),
    path("", include("nhandao.coordination.urls")),
    path("", include("nhandao.movements.urls")),
    path("", include("nhandao.people.urls")),
    path("giao-dien/", lib_views.style_guide, name="style_guide"),
    path("quan-tri/", admin.site.urls),
]
