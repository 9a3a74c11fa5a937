from django.urls import path

from .views import console, joining, signup

app_name = "onboarding"

urlpatterns = [
    path("inscription/", signup.signup, name="signup"),
    path("inscription/envoyee/", signup.signup_sent, name="signup_sent"),
    path("inscription/confirmer/<str:uidb64>/<str:token>/", signup.signup_confirm, name="signup_confirm"),
    path("inscription/bienvenue/", joining.welcome, name="welcome"),
    path("inscription/structure/", joining.structure_find, name="structure_find"),
    path("inscription/structure/<int:pk>/rattacher/", joining.structure_claim, name="structure_claim"),
    path("inscription/structure/proposer/", joining.structure_propose, name="structure_propose"),
    path("inscription/organisation/", joining.organisation_find, name="organisation_find"),
    path("inscription/organisation/<int:pk>/rejoindre/", joining.organisation_join, name="organisation_join"),
    path("inscription/organisation/proposer/", joining.organisation_propose, name="organisation_propose"),
    path("organisations/<int:pk>/demandes/", joining.join_requests, name="join_requests"),
    path(
        "demandes-adhesion/<int:pk>/<str:decision>/", joining.join_request_decide, name="join_request_decide"
    ),
    path("animation/", console.console, name="console"),
    path("animation/inviter/", console.invite, name="invite"),
    path("animation/inviter/tableau/", console.invite_file, name="invite_file"),
    path("animation/inviter/tableau/refusees.csv", console.invite_rejected_csv, name="invite_rejected_csv"),
    path("animation/invitations/", console.invitations, name="invitations"),
    path("animation/invitations/<int:pk>/renvoyer/", console.invitation_resend, name="invitation_resend"),
    path("animation/invitations/<int:pk>/annuler/", console.invitation_revoke, name="invitation_revoke"),
]
