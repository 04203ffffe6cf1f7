from django.urls import path

from nhandao.relief import pickers, views

urlpatterns = [
    # the back office's campaign page: its figures are relief.figures (decision 0023)
    path("chien-dich/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("cuu-tro/", views.home, name="relief_home"),
    path("cuu-tro/chien-dich/<int:pk>/", views.campaign, name="relief_campaign"),
    path("cuu-tro/phan-bo/", views.allocation_list, name="relief_allocations"),
    path("cuu-tro/phan-bo/moi/", views.allocation_create, name="relief_allocation_create"),
    path("cuu-tro/phan-bo/<int:pk>/", views.allocation_detail, name="relief_allocation"),
    path("cuu-tro/phan-bo/<int:pk>/chuyen/", views.allocation_move, name="relief_allocation_move"),
    path(
        "cuu-tro/phan-bo/<int:pk>/<str:decision>/",
        views.allocation_decide,
        name="relief_allocation_decide",
    ),
    path("cuu-tro/dot/moi/", views.round_create, name="relief_round_create"),
    path("cuu-tro/dot/<int:pk>/", views.round_detail, name="relief_round"),
    path("cuu-tro/dot/<int:pk>/loc/", views.round_add_filter, name="relief_round_filter"),
    path("cuu-tro/dot/<int:pk>/nhap/", views.round_import, name="relief_round_import"),
    path("cuu-tro/dot/<int:pk>/tinh-trang/", views.round_status, name="relief_round_status"),
    path("cuu-tro/nhap-danh-sach/<int:pk>/", views.line_import, name="relief_line_import"),
    path(
        "cuu-tro/nhap-danh-sach/<int:pk>/dong-loi.xlsx",
        views.line_import_rejected,
        name="relief_line_import_rejected",
    ),
    path(
        "cuu-tro/dot/<int:pk>/danh-sach.<str:fmt>", views.round_export, name="relief_round_export"
    ),
    path("cuu-tro/dot/<int:pk>/ban-in/", views.round_print, name="relief_round_print"),
    path(
        "cuu-tro/dot/<int:pk>/xac-nhan-ca-danh-sach/",
        views.round_confirm_all,
        name="relief_round_confirm_all",
    ),
    path("cuu-tro/dong/<int:pk>/xac-nhan/", views.line_confirm, name="relief_line_confirm"),
    path("cuu-tro/mau-danh-sach.xlsx", views.import_template, name="relief_import_template"),
    path("cuu-tro/bao-phu/", views.coverage_view, name="relief_coverage"),
    path("cuu-tro/kho/moi/", views.warehouse_create, name="relief_warehouse_create"),
    path("cuu-tro/kho/<int:pk>/", views.warehouse_detail, name="relief_warehouse"),
    path("cuu-tro/kho/<int:pk>/the-kho/<int:item_pk>/", views.stock_card, name="relief_stock_card"),
    path("cuu-tro/su-co/moi/", views.incident_create, name="relief_incident_create"),
    path("cuu-tro/su-co/<int:pk>/", views.incident_detail, name="relief_incident"),
]
urlpatterns.append(
    path(
        "tra-cuu/chien-dich-cuu-tro",
        pickers.search_relief_campaigns,
        name="pick_relief_campaigns",
    )
)
