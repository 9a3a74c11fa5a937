from django.urls import path

from . import views

app_name = "cooperation"

urlpatterns = [
    path("", views.home, name="home"),
    # Working groups
    path("groupes/", views.group_list, name="group_list"),
    path("groupes/nouveau/", views.group_create, name="group_create"),
    path("groupes/<int:pk>/", views.group_detail, name="group_detail"),
    path("groupes/<int:pk>/modifier/", views.group_update, name="group_update"),
    path("groupes/<int:pk>/rejoindre/", views.group_join, name="group_join"),
    path("groupes/<int:pk>/actions/", views.action_create, name="action_create"),
    path("groupes/<int:pk>/reunions/", views.meeting_create, name="meeting_create"),
    path("groupes/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("groupes/<int:pk>/flux/", views.group_flows, name="group_flows"),
    path("membres/<int:pk>/decision/", views.member_decide, name="member_decide"),
    path("membres/<int:pk>/type/", views.member_type, name="member_type"),
    path("membres/<int:pk>/role/", views.member_role, name="member_role"),
    path("actions/<int:pk>/statut/", views.action_update, name="action_update"),
    path("actions/<int:pk>/commentaires/", views.action_comment, name="action_comment"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    # Pooling
    path("mutualisation/", views.resource_list, name="resource_list"),
    path("mutualisation/proposer/", views.resource_create, name="resource_create"),
    path("mutualisation/demander/", views.request_create, name="request_create"),
    path("mutualisation/mes-reservations/", views.my_pooling, name="my_pooling"),
    path("mutualisation/<int:pk>/", views.resource_detail, name="resource_detail"),
    path("mutualisation/<int:pk>/modifier/", views.resource_update, name="resource_update"),
    path("mutualisation/<int:pk>/reserver/", views.booking_create, name="booking_create"),
    path("mutualisation/<int:pk>/retirer/", views.resource_withdraw, name="resource_withdraw"),
    path("reservations/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("reservations/<int:pk>/decision/", views.booking_decide, name="booking_decide"),
    path("reservations/<int:pk>/annuler/", views.booking_cancel, name="booking_cancel"),
    # Support offers
    path("accompagnement/", views.support_list, name="support_list"),
    path("accompagnement/proposer/", views.support_create, name="support_create"),
    path("accompagnement/<int:pk>/", views.support_detail, name="support_detail"),
    path("accompagnement/<int:pk>/modifier/", views.support_update, name="support_update"),
    path("accompagnement/<int:pk>/retirer/", views.support_withdraw, name="support_withdraw"),
]
