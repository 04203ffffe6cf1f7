from django.urls import path

from nhandao.coordination import views

urlpatterns = [
    path("chi-dao/", views.directive_list, name="coordination_directives"),
    path("chi-dao/nhap/", views.directive_create, name="coordination_directive_create"),
    path("chi-dao/<int:pk>/", views.directive_detail, name="coordination_directive"),
    path("chi-dao/<int:pk>/giao/", views.task_add, name="coordination_task_add"),
    path("nhiem-vu/", views.task_list, name="coordination_tasks"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="coordination_task"),
    path("nhiem-vu/<int:pk>/bao-cao/", views.task_report, name="coordination_task_report"),
    path("nhiem-vu/<int:pk>/chuyen/", views.task_move, name="coordination_task_move"),
    path("phoi-hop/", views.programme_list, name="coordination_programmes"),
    path("phoi-hop/tao/", views.programme_create, name="coordination_programme_create"),
    path("phoi-hop/<int:pk>/", views.programme_detail, name="coordination_programme"),
    path("phoi-hop/<int:pk>/noi-dung/", views.programme_item, name="coordination_item_add"),
    path(
        "phoi-hop/<int:pk>/noi-dung/<int:item_pk>/chi-tieu/",
        views.programme_indicator,
        name="coordination_indicator_add",
    ),
    path(
        "phoi-hop/<int:pk>/chi-tieu/<int:indicator_pk>/thuc-hien/",
        views.programme_actual,
        name="coordination_actual",
    ),
    path(
        "phoi-hop/<int:pk>/chuyen-tien/", views.programme_transfer, name="coordination_transfer"
    ),  # fmt: skip
    path("phoi-hop/<int:pk>/so-ket/", views.programme_review, name="coordination_review"),
    path("phoi-hop/<int:pk>/tai/docx/", views.programme_docx, name="coordination_programme_docx"),
    path("giam-sat/", views.plan_list, name="coordination_plans"),
    path("giam-sat/tao/", views.plan_create, name="coordination_plan_create"),
    path("giam-sat/<int:pk>/", views.plan_detail, name="coordination_plan"),
    path("giam-sat/<int:pk>/nhat-ky-xem/", views.plan_reads, name="coordination_plan_reads"),
    path("giam-sat/<int:pk>/buoi-lam-viec/", views.plan_visit, name="coordination_visit_add"),
    path("giam-sat/<int:pk>/tieu-chi/", views.plan_checklist, name="coordination_checklist"),
    path("giam-sat/<int:pk>/ket-luan/", views.plan_finding, name="coordination_finding_add"),
    path("giam-sat/<int:pk>/tai/docx/", views.plan_docx, name="coordination_plan_docx"),
    path("giam-sat/<int:pk>/ket-thuc/", views.plan_close, name="coordination_plan_close"),
    path("ket-luan-giam-sat/", views.finding_list, name="coordination_findings"),
    path("ket-luan-giam-sat/<int:pk>/", views.finding_detail, name="coordination_finding"),
    path(
        "ket-luan-giam-sat/<int:pk>/phan-hoi/",
        views.finding_respond,
        name="coordination_finding_respond",
    ),
    path(
        "ket-luan-giam-sat/<int:pk>/chuyen/", views.finding_move, name="coordination_finding_move"
    ),
    path("cong-khai/giam-sat/", views.public_supervisions, name="coordination_public"),
]
