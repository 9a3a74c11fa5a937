from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("", views.home, name="home"),
    path("rapport/<str:buyer>/<int:year>/", views.report, name="report"),
    path("rejets/", views.rejected, name="rejected"),
    path("renouvellements/", views.renewals_page, name="renewals"),
    path("renouvellements/prevision/", views.renewal_forecast, name="renewal_forecast"),
    path("depenses/", views.spend_page, name="spend"),
    path("depenses/import/", views.spend_upload, name="spend_upload"),
    path("collaborations/", views.collaborations_page, name="collaborations"),
    path("collaborations/<int:pk>/", views.collaboration_page, name="collaboration"),
]
