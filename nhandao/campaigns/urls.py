from django.urls import path

from nhandao.campaigns import pickers, views

urlpatterns = [
    path("chien-dich/", views.campaign_list, name="campaign_list"),
    path("chien-dich/tao/", views.campaign_create, name="campaign_create"),
    path("chien-dich/<int:pk>/sua/", views.campaign_edit, name="campaign_edit"),
    path("chien-dich/<int:pk>/tinh-trang/", views.campaign_status, name="campaign_status"),
    path("chien-dich/<int:pk>/gia-han/", views.campaign_extend, name="campaign_extend"),
]
urlpatterns.append(path("tra-cuu/chien-dich", pickers.search_campaigns, name="pick_campaigns"))
