from django.urls import path

from nhandao.reports import views

urlpatterns = [
    path("bao-cao/", views.report_list, name="report_list"),
    path("bao-cao/tong-quan/", views.report_dashboard, name="report_dashboard"),
    path("bao-cao/lap/", views.report_open, name="report_open"),
    path("bao-cao/<int:pk>/", views.report_detail, name="report_detail"),
    path("bao-cao/<int:pk>/luu/", views.report_save, name="report_save"),
    path("bao-cao/<int:pk>/chuyen/<slug:target>/", views.report_move, name="report_move"),
    path(
        "bao-cao/<int:pk>/khong-bao-cao/<int:org_pk>/",
        views.report_not_reporting,
        name="report_not_reporting",
    ),  # fmt: skip
    path("bao-cao/<int:pk>/tai/<slug:fmt>/", views.report_download, name="report_download"),
    path("bao-cao/<int:pk>/ke-hoach/", views.report_targets, name="report_targets"),
    path("bao-cao/<int:pk>/cong-khai/", views.report_publish, name="report_publish"),
    # public: the portal's URL style (the portal app sits above; these pages are ours)
    path("cong-khai/bao-cao/", views.public_reports, name="public_reports"),
    path("cong-khai/bao-cao/<int:pk>/", views.public_report, name="public_report"),
    path(
        "cong-khai/bao-cao/<int:pk>/bao-cao.docx",
        views.public_report_docx,
        name="public_report_docx",
    ),  # fmt: skip
]
