from django.urls import path

from nhandao.audit import views

urlpatterns = [path("nhat-ky/", views.event_list, name="audit_events")]
