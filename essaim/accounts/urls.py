from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import EmailAuthenticationForm, EmailPasswordResetForm

app_name = "accounts"

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=EmailPasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/changer/", views.organisation_switch, name="organisation_switch"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/inviter/", views.organisation_invite, name="organisation_invite"),
    path("organisations/<int:pk>/jetons/", views.api_tokens, name="api_tokens"),
    path("adhesions/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("adhesions/<int:pk>/retirer/", views.membership_remove, name="membership_remove"),
    path("invitations/<int:pk>/annuler/", views.invitation_revoke, name="invitation_revoke"),
    path("jetons/<int:pk>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
]
