from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("perimetres/<str:code>/", views.perimeter_detail, name="perimeter_detail"),
]
