from django.urls import path

from . import views
from .review import views as review_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("accessibilite/schema-pluriannuel/", views.accessibility_plan, name="accessibility_plan"),
    path("mentions-legales/", views.legal_notices, name="legal_notices"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    path("contact/", views.contact, name="contact"),
    path("animation/a-examiner/", review_views.queue, name="review_queue"),
    path("animation/a-examiner/<slug:slug>/", review_views.kind_list, name="review_list"),
    path("animation/a-examiner/<slug:slug>/decision/", review_views.decide, name="review_decide"),
    path("animation/a-examiner/<slug:slug>/<int:pk>/", review_views.item_detail, name="review_detail"),
]
