from django.urls import path

from nhandao.portal import datarequests, views

urlpatterns = [
    path("cong-khai/", views.campaign_list, name="portal_home"),
    path("cong-khai/chien-dich/<str:code>/", views.campaign_detail, name="portal_campaign"),
    path(
        "cong-khai/chien-dich/<str:code>/so-lieu.json",
        views.campaign_numbers,
        name="portal_figures",
    ),
    path(
        "cong-khai/chien-dich/<str:code>/tinh/<int:province_id>/",
        views.province_detail,
        name="portal_province",
    ),
    path(
        "cong-khai/chien-dich/<str:code>/du-lieu/<slug:dataset>.<str:fmt>",
        views.open_data,
        name="portal_data",
    ),
    path(
        "cong-khai/chien-dich/<str:code>/quyet-dinh/<int:pk>/",
        views.decision_document,
        name="portal_decision",
    ),
    path("cong-khai/chien-dich/<str:code>/so-quy.json", views.ledger_file, name="portal_ledger"),
    path("cong-khai/so-quy/diem-moc.json", views.checkpoint_log, name="portal_checkpoints"),
    path("cong-khai/tra-cuu-sao-ke/", views.statement_search, name="portal_search"),
    path("cong-khai/sao-ke/<int:pk>.pdf", views.statement_pdf, name="portal_statement_pdf"),
    path("cong-khai/kiem-tra-ung-ho/", views.self_check, name="portal_check"),
    path("cong-khai/kiem-chung-so-quy/", views.ledger_verify, name="portal_ledger_verify"),
    path("cong-khai/bien-nhan/", views.receipt_check, name="portal_receipt"),
    path("cong-khai/yeu-cau-du-lieu/", datarequests.file_request, name="portal_data_request"),
    path(
        "cong-khai/tra-cuu/to-chuc",
        datarequests.search_organisations,
        name="portal_pick_organisations",
    ),
]
