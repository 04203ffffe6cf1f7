from django.urls import path

from nhandao.emulation import views

urlpatterns = [
    path("thi-dua/", views.emulation_home, name="emulation_home"),
    path("thi-dua/cum/lap/", views.cluster_create, name="emulation_cluster_create"),
    path("thi-dua/cum/<int:pk>/", views.cluster_detail, name="emulation_cluster"),
    path(
        "thi-dua/cum/<int:pk>/them-don-vi/",
        views.cluster_add_member,
        name="emulation_cluster_add_member",
    ),
    path(
        "thi-dua/cum/<int:pk>/bo-don-vi/<int:org>/",
        views.cluster_remove_member,
        name="emulation_cluster_remove_member",
    ),
    path("thi-dua/cum/<int:pk>/nam-sau/", views.cluster_next_year, name="emulation_cluster_next"),
    path("thi-dua/cum/<int:pk>/luu/", views.cluster_save, name="emulation_cluster_save"),
    path("thi-dua/cum/<int:pk>/mo-dot/", views.round_open, name="emulation_round_open"),
    path("thi-dua/tieu-chi/<int:pk>/", views.version_detail, name="emulation_version"),
    path("thi-dua/tieu-chi/lap/", views.version_create, name="emulation_version_create"),
    path("thi-dua/tieu-chi/<int:pk>/them/", views.version_add, name="emulation_version_add"),
    path(
        "thi-dua/tieu-chi/<int:pk>/them-phan/",
        views.version_add_section,
        name="emulation_version_add_section",
    ),
    path(
        "thi-dua/tieu-chi/<int:pk>/chuyen/<slug:target>/",
        views.version_move,
        name="emulation_version_move",
    ),
    path("thi-dua/dot/<int:pk>/", views.round_detail, name="emulation_round"),
    path("thi-dua/dot/<int:pk>/tai/xlsx/", views.round_download, name="emulation_round_xlsx"),
    path("thi-dua/bang-diem/<int:pk>/", views.scorecard_detail, name="emulation_scorecard"),
    path("thi-dua/bang-diem/<int:pk>/cham/", views.scorecard_mark, name="emulation_mark"),
    path("thi-dua/bang-diem/<int:pk>/tu-bao-cao/", views.scorecard_fill, name="emulation_fill"),
    path(
        "thi-dua/bang-diem/<int:pk>/chuyen/<slug:target>/",
        views.scorecard_move,
        name="emulation_scorecard_move",
    ),
    path("thi-dua/khen-thuong/", views.award_list, name="emulation_awards"),
    path("thi-dua/khen-thuong/de-nghi/", views.award_propose, name="emulation_award_propose"),
    path("thi-dua/khen-thuong/<int:pk>/", views.award_detail, name="emulation_award"),
    path(
        "thi-dua/khen-thuong/<int:pk>/chuyen/<slug:target>/",
        views.award_move,
        name="emulation_award_move",
    ),
    path(
        "thi-dua/khen-thuong/<int:pk>/quyet-dinh.docx",
        views.award_decision,
        name="emulation_award_decision",
    ),
    path(
        "thi-dua/khen-thuong/<int:pk>/giay-khen.docx",
        views.award_certificate,
        name="emulation_award_certificate",
    ),
    path("thi-dua/nha-hao-tam/", views.donor_rules, name="emulation_donor_rules"),
    path("thi-dua/nha-hao-tam/lap/", views.donor_rule_create, name="emulation_donor_rule_create"),
    path("thi-dua/nguoi-tot/", views.nomination_list, name="emulation_nominations"),
    path("thi-dua/nguoi-tot/de-cu/", views.nomination_create, name="emulation_nominate"),
    path(
        "thi-dua/nguoi-tot/<int:pk>/chuyen/<slug:target>/",
        views.nomination_move,
        name="emulation_nomination_move",
    ),
    # public: the portal's URL style (the portal app sits above; this page is ours)
    path("cong-khai/nguoi-tot-viec-thien/", views.public_honours, name="portal_honours"),
    path("cong-khai/nguoi-tot-viec-thien/<int:pk>/", views.public_honour, name="portal_honour"),
    path("cong-khai/khen-thuong/<str:token>/", views.award_verify, name="portal_award_verify"),
]
