from django.urls import path

from nhandao.beneficiaries import pickers, views

urlpatterns = [
    path("doi-tuong/", views.person_list, name="person_list"),
    path("doi-tuong/them/", views.person_create, name="person_create"),
    path("doi-tuong/xuat.csv", views.person_export, name="person_export"),
    path("doi-tuong/<int:pk>/", views.person_detail, name="person_detail"),
    path("doi-tuong/<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("doi-tuong/<int:pk>/ho-tro/", views.support_add, name="support_add"),
    path("ho-gia-dinh/them/", views.household_create, name="household_create"),
    path("ho-gia-dinh/<int:pk>/", views.household_detail, name="household_detail"),
    path("ho-gia-dinh/<int:pk>/sua/", views.household_edit, name="household_edit"),
    path("trung-lap/", views.review_queue, name="review_queue"),
    path("trung-lap/<int:pk>/quyet-dinh/", views.review_decide, name="review_decide"),
    path("trung-lap/chay/", views.dedup_run, name="dedup_run"),
    path("trung-lap/gop-nhom/", views.review_group_merge, name="review_group_merge"),
    path("gop-ho-so/<int:pk>/hoan-tac/", views.merge_undo, name="merge_undo"),
    path("du-lieu-ca-nhan/", views.data_requests, name="data_requests"),
    path("du-lieu-ca-nhan/<int:pk>/", views.data_request, name="data_request"),
    path(
        "doi-tuong/<int:pk>/yeu-cau-du-lieu/", views.data_request_create, name="data_request_create"
    ),
    path("doi-tuong/nhap/", views.import_upload, name="import_upload"),
    path("doi-tuong/nhap/mau.xlsx", views.import_template, name="import_template"),
    path("doi-tuong/nhap/<int:pk>/", views.import_detail, name="import_detail"),
    path("doi-tuong/nhap-ho-tro/", views.support_import, name="support_import"),
    path("doi-tuong/nhap/<int:pk>/dong-loi.xlsx", views.import_rejected, name="import_rejected"),
    path("dia-chi-nhan-dao/", views.address_list, name="address_list"),
    path("dia-chi-nhan-dao/them/", views.address_create, name="address_create"),
    path("dia-chi-nhan-dao/<int:pk>/", views.address_detail, name="address_detail"),
    path("dia-chi-nhan-dao/cam-ket/", views.commitment_list, name="commitment_list"),
    path("cong-khai/dia-chi-nhan-dao/", views.public_addresses, name="public_addresses"),
    path("nha-do-dau/them/", views.sponsor_create, name="sponsor_create"),
    path("nha-do-dau/<int:pk>/", views.sponsor_detail, name="sponsor_detail"),
]

urlpatterns += [
    path("tra-cuu/nguoi", pickers.search_persons, name="pick_persons"),
    path("tra-cuu/nguoi-yeu-cau", pickers.search_request_subjects, name="pick_request_subjects"),
    path("tra-cuu/ho", pickers.search_households, name="pick_households"),
    path("tra-cuu/nha-do-dau", pickers.search_sponsors, name="pick_sponsors"),
]
