from django.urls import path

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
    path("lanh-dao/to-chuc/<int:org_pk>/ghi/", views.leader_appoint, name="leader_appoint"),
    path("lanh-dao/<int:pk>/thoi/", views.leader_end, name="leader_end"),
    path("hoi-phi/khoa-so/", views.year_close, name="year_close"),
    path("hoi-phi/khoa-so/<int:pk>/mo-lai/", views.year_reopen, name="year_reopen"),
    path("tra-cuu/ca-nhan", pickers.search_individuals, name="pick_individuals"),
    path("tra-cuu/tinh-nguyen-vien", pickers.search_volunteers, name="pick_volunteers"),
]  # fmt: skip
