from django.urls import path

from nhandao.movements import views

P = "phong-trao/chien-dich/<int:pk>/"

urlpatterns = [
    path("phong-trao/", views.movement_list, name="movement_list"),
    path("phong-trao/<int:pk>/", views.movement_detail, name="movement_detail"),
    path("phong-trao/<int:pk>/phat-dong/", views.movement_launch, name="movement_launch"),
    path(P, views.part_detail, name="movement_part"),
    path(P + "chi-tieu/", views.part_adjust, name="movement_part_adjust"),
    path(P + "phat-dong/", views.part_launch, name="movement_part_launch"),
    path(P + "tai/<slug:fmt>/", views.part_export, name="movement_part_export"),
    path("phong-trao/phat-dong/<int:pk>/", views.launch_status, name="movement_launch_status"),
    path("hoi-cho-tet/", views.fair_list, name="fair_list"),
    path("hoi-cho-tet/<int:pk>/", views.fair_detail, name="fair_detail"),
    path("hoi-cho-tet/<int:pk>/phat-phieu/", views.fair_issue, name="fair_issue"),
    path("hoi-cho-tet/<int:pk>/in-phieu/", views.fair_vouchers, name="fair_vouchers"),
    path("hoi-cho-tet/<int:pk>/doi/", views.fair_redeem, name="fair_redeem"),
]  # fmt: skip
urlpatterns += [
    path("phong-trao/su-co/<int:pk>/nhu-cau/", views.incident_needs, name="incident_needs"),
    path("cong-khai/su-co/<int:pk>/", views.public_incident, name="portal_incident"),
]
