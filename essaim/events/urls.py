from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("nouveau/", views.event_create, name="event_create"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/modifier/", views.event_edit, name="event_edit"),
    path("<int:pk>/programme/", views.programme_add, name="programme_add"),
    path("programme/<int:pk>/supprimer/", views.programme_delete, name="programme_delete"),
    path("<int:pk>/inscription/", views.event_register, name="event_register"),
    path("<int:pk>/inscrits/", views.registrations, name="registrations"),
    path("inscriptions/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("inscriptions/<int:pk>/badge/", views.registration_badge, name="registration_badge"),
    path("annulation/<str:token>/", views.registration_cancel, name="registration_cancel"),
    path("<int:pk>/exposants/", views.exhibitors, name="exhibitors"),
    path("<int:pk>/stands/", views.stands, name="stands"),
    path("stands/<int:pk>/", views.stand_edit, name="stand_edit"),
    path("stands/<int:pk>/supprimer/", views.stand_delete, name="stand_delete"),
    path("<int:pk>/badges/", views.badges, name="badges"),
    path("<int:pk>/accueil/", views.checkin, name="checkin"),
    path("pointage/<str:token>/", views.checkin_scan, name="checkin_scan"),
    path("inscriptions/<int:pk>/pointer/", views.checkin_mark, name="checkin_mark"),
    path("inscriptions/<int:pk>/rendez-vous/", views.meeting_profile, name="meeting_profile"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path(
        "inscriptions/<int:pk>/demandes/<int:recipient_pk>/",
        views.meeting_request_create,
        name="meeting_request_create",
    ),
    path("demandes/<int:pk>/annuler/", views.meeting_request_cancel, name="meeting_request_cancel"),
    path("demandes/<int:pk>/<str:decision>/", views.meeting_request_decide, name="meeting_request_decide"),
    path("inscriptions/<int:pk>/agenda/", views.agenda, name="agenda"),
    path("rendez-vous/<int:pk>/suite/", views.meeting_outcome, name="meeting_outcome"),
    path("<int:pk>/rendez-vous/", views.meetings_manage, name="meetings_manage"),
    path("<int:pk>/rendez-vous/ajouter/", views.meeting_force, name="meeting_force"),
    path("<int:pk>/rendez-vous/planifier/", views.schedule_run, name="schedule_run"),
    path("<int:pk>/rendez-vous/publier/", views.agendas_publish, name="agendas_publish"),
    path("rendez-vous/<int:pk>/verrou/", views.meeting_lock, name="meeting_lock"),
    path("<int:pk>/collaborations/", views.collaborations, name="collaborations"),
    path("<int:pk>/plan-des-tables/", views.table_plan, name="table_plan"),
]
