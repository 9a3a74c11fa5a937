from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("donnees-personnelles/", views.policy, name="policy"),
    path("compte/mes-donnees/", views.my_data, name="my_data"),
    path("compte/mes-donnees/telecharger/", views.my_data_download, name="my_data_download"),
    path("compte/supprimer/", views.account_delete, name="account_delete"),
]
