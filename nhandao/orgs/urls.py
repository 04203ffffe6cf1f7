from django.urls import path

from nhandao.orgs import datarequests, pickers, views

urlpatterns = [
    path("to-chuc/", views.org_list, name="org_list"),
    path("to-chuc/chon/", views.org_switch, name="org_switch"),
    path("to-chuc/tao/", views.org_create, name="org_create"),
    path("to-chuc/<int:pk>/", views.org_detail, name="org_detail"),
    path("to-chuc/<int:pk>/doi-ten/", views.org_rename, name="org_rename"),
    path("to-chuc/<int:pk>/chuyen/", views.org_move, name="org_move"),
    path("to-chuc/<int:pk>/hop-nhat/", views.org_merge, name="org_merge"),
    path("to-chuc/<int:pk>/giai-the/", views.org_dissolve, name="org_dissolve"),
    path("to-chuc/<int:pk>/nguoi-dung/", views.org_users, name="org_users"),
    path("vai-tro/<int:pk>/thu-hoi/", views.role_revoke, name="role_revoke"),
    path("don-vi-hanh-chinh/", views.unit_list, name="unit_list"),
    path("don-vi-hanh-chinh/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("cum-thi-dua/", views.cluster_list, name="cluster_list"),
    path(
        "du-lieu-ca-nhan/cong-khai/<int:pk>/", datarequests.filing_page, name="data_request_filing"
    ),
]

urlpatterns += [
    path("tra-cuu/to-chuc", pickers.search_organisations, name="pick_organisations"),
    path("tra-cuu/xa-phuong", pickers.search_units, name="pick_units"),
]
