from django.urls import path

from . import views

app_name = "clauses"

urlpatterns = [
    path("", views.home, name="home"),
    path("notice-d-information/", views.notice, name="notice"),
    # Contracts
    path("marches/nouveau/", views.contract_create, name="contract_create"),
    path("marches/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("marches/<int:pk>/modifier/", views.contract_update, name="contract_update"),
    path("marches/<int:pk>/lots-et-cotraitants/", views.contract_parties, name="contract_parties"),
    path("marches/<int:pk>/participants/ajouter/", views.mission_create, name="mission_create"),
    # Declarations
    path("marches/<int:pk>/releves/<int:year>/<int:month>/", views.statement_edit, name="statement_edit"),
    path("declarer/<str:token>/", views.statement_link, name="statement_link"),
    path("releves/a-valider/", views.to_validate, name="to_validate"),
    path("releves/<int:pk>/valider/", views.statement_validate, name="statement_validate"),
    path("declarations/<int:pk>/corriger/", views.declaration_correct, name="declaration_correct"),
    # People
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/modifier/", views.participant_update, name="participant_update"),
    path("participants/<int:pk>/donnees/", views.participant_export, name="participant_export"),
    path("participants/<int:pk>/effacer/", views.participant_erase, name="participant_erase"),
    path("missions/<int:pk>/parcours/", views.mission_pathway, name="mission_pathway"),
    path("journal-des-acces/", views.access_log, name="access_log"),
    # Dashboards and exports
    path("tableaux/acheteur/<int:pk>/", views.dashboard_buyer, name="dashboard_buyer"),
    path("tableaux/titulaire/<int:pk>/", views.dashboard_holder, name="dashboard_holder"),
    path("tableaux/portefeuille/", views.dashboard_portfolio, name="dashboard_portfolio"),
    path("tableaux/territoire/", views.dashboard_territory, name="dashboard_territory"),
    path("export-annuel/", views.yearly_export, name="yearly_export"),
]
