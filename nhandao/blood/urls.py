from django.urls import path

from nhandao.blood import pickers, public, views

urlpatterns = [
    path("hien-mau/dot/", views.drive_list, name="blood_drives"),
    path("hien-mau/dot/tao/", views.drive_create, name="blood_drive_create"),
    path("hien-mau/dot/<int:pk>/", views.drive_detail, name="blood_drive"),
    path("hien-mau/dot/<int:pk>/tinh-trang/", views.drive_status, name="blood_drive_status"),
    path("hien-mau/dot/<int:pk>/dang-ky/", views.drive_register, name="blood_drive_register"),
    path("hien-mau/dot/<int:pk>/ket-qua/", views.drive_result, name="blood_drive_result"),
    path("hien-mau/dot/<int:pk>/tam-hoan/", views.drive_deferral, name="blood_drive_deferral"),
    path("hien-mau/dot/<int:pk>/nhac-lich/", views.drive_remind, name="blood_drive_remind"),
    path("hien-mau/dot/<int:pk>/danh-sach-goi/", views.drive_call_list, name="blood_call_list"),
    path("hien-mau/dot/<int:pk>/nhap/<slug:what>/", views.drive_import, name="blood_drive_import"),
    path(
        "hien-mau/dot/<int:pk>/nhap/<slug:what>/mau.xlsx",
        views.drive_import_template,
        name="blood_drive_import_template",
    ),
    path("hien-mau/dang-ky/<int:pk>/co-mat/", views.registration_attend, name="blood_attend"),
    path("hien-mau/nguoi-hien/", views.donor_list, name="blood_donors"),
    path("hien-mau/nguoi-hien/tao/", views.donor_create, name="blood_donor_create"),
    path("hien-mau/nguoi-hien/nhap/", views.donor_import, name="blood_import_create"),
    path(
        "hien-mau/nguoi-hien/nhap/mau.xlsx",
        views.donor_import_template,
        name="blood_import_template",
    ),
    path("hien-mau/nguoi-hien/nhap/<int:pk>/", views.donor_import_detail, name="blood_import"),
    path(
        "hien-mau/nguoi-hien/nhap/<int:pk>/dong-loi.xlsx",
        views.import_rejected,
        name="blood_import_rejected",
    ),
    path("hien-mau/nguoi-hien/<int:pk>/", views.donor_detail, name="blood_donor"),
    path("hien-mau/nguoi-hien/<int:pk>/gop/", views.donor_merge, name="blood_donor_merge"),
    path("hien-mau/nguoi-hien/<int:pk>/gia-dinh/", views.family_create, name="blood_family_create"),
    path("hien-mau/gia-dinh/", views.family_list, name="blood_families"),
    path("hien-mau/gia-dinh/<int:pk>/", views.family_detail, name="blood_family"),
    path("hien-mau/gia-dinh/<int:pk>/roi/", views.family_remove, name="blood_family_remove"),
    path("hien-mau/moc-vinh-danh/", views.honour_bands, name="blood_honour_bands"),
    path("hien-mau/moc-vinh-danh/them/", views.honour_band_add, name="blood_honour_band_add"),
    path(
        "hien-mau/moc-vinh-danh/<int:pk>/ket-thuc/",
        views.honour_band_end,
        name="blood_honour_band_end",
    ),
    path("hien-mau/moc-vinh-danh/vung/", views.honour_area_add, name="blood_honour_area_add"),
    path("hien-mau/vinh-danh/", views.honour_list, name="blood_honours"),
    path("hien-mau/vinh-danh/de-xuat/", views.honour_propose, name="blood_honour_propose"),
    path("hien-mau/vinh-danh/da-khen-thuong/", views.honour_award, name="blood_honour_award"),
    path(
        "hien-mau/vinh-danh/<int:pk>/giay-chung-nhan/",
        views.honour_certificate,
        name="blood_certificate",
    ),
    path(
        "hien-mau/vinh-danh/gia-dinh/<int:pk>/giay-chung-nhan/",
        views.family_certificate,
        name="blood_family_certificate",
    ),
    path("tra-cuu/nguoi-hien", pickers.search_donors, name="pick_donors"),
    # public: no login
    path("cong-khai/hien-mau/", public.drives, name="public_blood_drives"),
    path(
        "cong-khai/hien-mau/vinh-danh/<str:province>/<int:year>/",
        public.honour_page,
        name="public_blood_honours",
    ),
    path("cong-khai/hien-mau/cua-toi/", public.mine, name="public_blood_mine"),
    path(
        "cong-khai/hien-mau/cua-toi/giay-chung-nhan/<int:pk>/",
        public.my_certificate,
        name="public_blood_my_certificate",
    ),
    path("cong-khai/hien-mau/<str:code>/", public.drive, name="public_blood_drive"),
]
