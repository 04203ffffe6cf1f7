from django.urls import path

from nhandao.people import import_views as iv
from nhandao.people import pickers, views
from nhandao.people import volunteer_views as vv

urlpatterns = [
    path("ca-nhan/", views.individual_list, name="individual_list"),
    path("ca-nhan/tao/", views.individual_create, name="individual_create"),
    path("ca-nhan/<int:pk>/", views.individual_detail, name="individual_detail"),
    path("ca-nhan/<int:pk>/sua/", views.individual_edit, name="individual_edit"),
    path("ca-nhan/<int:pk>/ket-nap/", views.membership_join, name="membership_join"),
    path("hoi-vien/<int:pk>/ket-thuc/", views.membership_end, name="membership_end"),
    path("hoi-vien/<int:pk>/chuyen/", views.membership_transfer, name="membership_transfer"),
    path("hoi-vien/<int:pk>/the/", views.member_card, name="member_card"),
    path("hoi-vien/<int:pk>/hoi-phi/", views.fee_payment, name="fee_payment"),
    path("hoi-vien/chuyen-sinh-hoat/", views.transfer_list, name="transfer_list"),
    path("hoi-vien/chuyen-sinh-hoat/<int:pk>/dong-y/", views.transfer_approve,
         name="transfer_approve"),
    path("hoi-vien/chuyen-sinh-hoat/<int:pk>/tu-choi/", views.transfer_reject,
         name="transfer_reject"),
    path("hoi-phi/no/", views.arrears_list, name="arrears_list"),
    path("hoi-phi/bien-lai/<int:pk>/huy/", views.payment_annul, name="payment_annul"),
    path("the-hoi-vien/<str:token>/", views.card_verify, name="card_verify"),
    path("tinh-nguyen/doi/", vv.team_list, name="team_list"),
    path("tinh-nguyen/doi/<int:pk>/", vv.team_detail, name="team_detail"),
    path("tinh-nguyen/ca/<int:pk>/", vv.shift_detail, name="shift_detail"),
    path("tinh-nguyen/ca/<int:pk>/dang-ky/", vv.shift_signup, name="shift_signup"),
    path("tinh-nguyen/ca/<int:pk>/diem-danh/", vv.shift_attendance, name="shift_attendance"),
    path("tinh-nguyen/<int:pk>/", vv.volunteer_detail, name="volunteer_detail"),
    path("tap-huan/chung-nhan/<int:pk>/", vv.certificate_docx, name="certificate_docx"),
    path("chung-nhan-tap-huan/<str:token>/", vv.certificate_verify, name="certificate_verify"),
    path("hoi-vien/nhap/", iv.member_import_upload, name="member_import_upload"),
    path("hoi-vien/nhap/mau.xlsx", iv.member_import_template, name="member_import_template"),
    path("tinh-nguyen/nhap/", iv.volunteer_import_upload, name="volunteer_import_upload"),
    path("tinh-nguyen/nhap/mau.xlsx", iv.volunteer_import_template,
         name="volunteer_import_template"),
    path("nhap-danh-sach/<int:pk>/", iv.member_import_detail, name="member_import"),
    path("nhap-danh-sach/<int:pk>/nhap/", iv.member_import_confirm, name="member_import_confirm"),
    path("nhap-danh-sach/<int:pk>/dong-loi.xlsx", iv.member_import_rejected,
         name="member_import_rejected"),
    path("tinh-nguyen/danh-sach/", vv.volunteer_export, name="volunteer_export"),
    path("tra-cuu/tinh-nguyen-vien", pickers.search_volunteers, name="pick_volunteers"),
]  # fmt: skip
