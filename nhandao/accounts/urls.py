from django.contrib.auth import views as auth_views
from django.urls import path

from nhandao.accounts import views

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tai-khoan/", views.account, name="account"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/da-doc/", views.notifications_read, name="notifications_read"),
    path("thong-bao/<int:pk>/", views.notification_open, name="notification_open"),
    path("khoa-api/", views.tokens, name="tokens"),
    path("khoa-api/tao/", views.token_create, name="token_create"),
    path("khoa-api/<int:pk>/thu-hoi/", views.token_revoke, name="token_revoke"),
]
