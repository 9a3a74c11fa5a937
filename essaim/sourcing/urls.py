from django.urls import path

from . import views

app_name = "sourcing"

urlpatterns = [
    path("", views.need_list, name="need_list"),
    path("mes-besoins/", views.need_mine, name="need_mine"),
    path("a-valider/", views.need_to_validate, name="need_to_validate"),
    path("nouveau/", views.need_create, name="need_create"),
    path("<int:pk>/", views.need_detail, name="need_detail"),
    path("<int:pk>/modifier/", views.need_update, name="need_update"),
    path("<int:pk>/action/", views.need_action, name="need_action"),
    path("<int:pk>/cloturer/", views.need_close, name="need_close"),
    path("<int:pk>/reponses/", views.need_answers, name="need_answers"),
    path("<int:pk>/repondre/", views.need_answer, name="need_answer"),
    path("<int:pk>/suivi/", views.need_follow_up, name="need_follow_up"),
    path("reponses/<int:pk>/", views.answer_detail, name="answer_detail"),
    path("questions/<int:pk>/repondre/", views.question_reply, name="question_reply"),
    path("lien/<str:token>/", views.need_open, name="need_open"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/", views.preferences, name="preferences"),
    path("previsions/", views.forecast_list, name="forecast_list"),
    path("previsions/<int:pk>/", views.forecast_detail, name="forecast_detail"),
    path("previsions/<int:pk>/interet/", views.forecast_interest, name="forecast_interest"),
    path("previsions/<int:pk>/besoin/", views.forecast_to_need, name="forecast_to_need"),
    path("previsions/nouvelle/", views.forecast_create, name="forecast_create"),
    path("previsions/import/", views.forecast_import, name="forecast_import"),
]
