from django.urls import path

from nhandao.donations import pickers, views

urlpatterns = [
    path("ung-ho/", views.donation_list, name="donation_list"),
    path("ung-ho/them/<str:channel>/", views.donation_create, name="donation_create"),
    path("ung-ho/<int:pk>/", views.donation_detail, name="donation_detail"),
    path("ung-ho/<int:pk>/huy/", views.donation_reverse, name="donation_reverse"),
    path("ung-ho/<int:pk>/bien-nhan/", views.receipt_issue, name="receipt_issue"),
    path("nha-hao-tam/", views.donor_list, name="donor_list"),
    path("nha-hao-tam/them/", views.donor_create, name="donor_create"),
    path("nha-hao-tam/<int:pk>/", views.donor_detail, name="donor_detail"),
    path("tai-khoan-ngan-hang/", views.bank_account_list, name="bank_account_list"),
    path("tai-khoan-ngan-hang/<int:pk>/sao-ke/", views.statement_upload, name="statement_upload"),
    path("tai-khoan-ngan-hang/<int:pk>/vietqr/", views.bank_account_qr, name="bank_account_qr"),
    path("sao-ke/cho-kiem-tra/", views.statement_review_queue, name="statement_review_queue"),
    path("sao-ke/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("sao-ke/<int:pk>/nhap/", views.statement_run, name="statement_run"),
    path("sao-ke/<int:pk>/doi-chieu/", views.statement_match, name="statement_match"),
    path("sao-ke/<int:pk>/dong-loi.xlsx", views.statement_rejected, name="statement_rejected"),
    path("sao-ke/<int:pk>/xem-lai/<int:line>/", views.statement_review, name="statement_review"),
    path("sao-ke/<int:pk>/nhap-lai/", views.statement_reimport, name="statement_reimport"),
    path(
        "sao-ke/<int:pk>/trang/<int:page>.png",
        views.statement_page_image,
        name="statement_page_image",
    ),
    path("bien-nhan/<int:pk>/", views.receipt_print, name="receipt_print"),
    path("bien-nhan/<int:pk>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("verify/<str:code>", views.receipt_verify, name="receipt_verify"),
    path("khoa-cong-khai/", views.public_keys, name="public_keys"),
    path("chien-dich/<int:pk>/so-chi-tiet.xlsx", views.receipt_book, name="receipt_book"),
]
urlpatterns.append(path("tra-cuu/khoan-hien-vat", pickers.search_in_kind, name="pick_in_kind"))
