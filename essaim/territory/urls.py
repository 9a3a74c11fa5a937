from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("lieux/suggestions/", views.place_suggestions_view, name="place_suggestions"),
    path("perimetres/<str:code>/", views.perimeter_detail, name="perimeter_detail"),
]
