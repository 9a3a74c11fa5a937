from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("export.<str:fmt>", views.export, name="export"),
    path("structures/<int:pk>/", views.profile, name="profile"),
    path("structures/<int:pk>/modifier/", views.edit, name="edit"),
    path("structures/<int:pk>/etat/", views.set_status, name="set_status"),
    path("structures/<int:pk>/demandes/", views.claims, name="claims"),
    path("structures/<int:pk>/signaler/", views.report, name="report"),
    path("demandes/<int:pk>/<str:decision>/", views.claim_decide, name="claim_decide"),
    path("rattacher/", views.claim, name="claim"),
]
