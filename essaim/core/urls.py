from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notices, name="legal_notices"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    path("contact/", views.contact, name="contact"),
]
