"""What the privacy app declares (see essaim.core.personal_data): accounts and their inactivity period,
login attempts (django-axes tables), sessions and the task queue (which holds the emails sent)."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from essaim.core import personal_data
from essaim.core.personal_data import Former, Person, Processing, Row

from .models import InactivityNotice
from .services import inactive_accounts_purge

LOGIN_TABLES = (
    (AccessLog, "connexion"),
    (AccessFailureLog, "échec de connexion"),
    (AccessAttempt, "tentatives en cours"),
)


@personal_data.export("privacy.login_attempts", "Connexions et tentatives de connexion")
def login_attempts(person: Person) -> list[Row]:
    rows = [
        {
            "type": kind,
            "date": attempt.attempt_time,
            "adresse_ip": attempt.ip_address,
            "navigateur": attempt.user_agent,
            "page": attempt.path_info,
        }
        for model, kind in LOGIN_TABLES
        for attempt in model.objects.filter(username__iexact=person.email)
    ]
    return sorted(rows, key=lambda row: row["date"])


@personal_data.export(
    "privacy.inactivity_notice", "Avertissement d'inactivité", covers=["privacy.InactivityNotice.user"]
)
def inactivity_notice(person: Person) -> list[Row]:
    return [{"averti_le": n.warned_at} for n in InactivityNotice.objects.filter(user=person)]


@personal_data.eraser("privacy")
def erase(person: Person, former: Former) -> None:
    for model, _ in LOGIN_TABLES:
        model.objects.filter(username__iexact=former.email).delete()
    InactivityNotice.objects.filter(user=person).delete()


def purge_login_attempts(now: datetime) -> int:
    cutoff = now - timedelta(days=personal_data.retention_days("login_attempt"))
    return sum(model.objects.filter(attempt_time__lt=cutoff).delete()[0] for model, _ in LOGIN_TABLES)


def purge_finished_tasks(now: datetime) -> int:
    cutoff = now - timedelta(days=personal_data.retention_days("finished_task"))
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


def purge_expired_sessions(now: datetime) -> None:
    """What `essaim clearsessions` does, for whichever session engine is configured (not counted)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


personal_data.processing(
    Processing(
        key="privacy.accounts",
        order=10,
        data="Compte : adresse électronique, nom, organisations et rôles, dates d'inscription et de connexion",
        purpose="Vous identifier et vous donner accès aux fonctions de vos organisations",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            f"Tant que vous utilisez la plateforme : un compte sans connexion depuis "
            f"{personal_data.retention_label('inactive_account')} est supprimé, après un avertissement "
            f"par courriel {personal_data.retention_label('inactive_account_warning')} avant. Vous pouvez "
            "supprimer votre compte à tout moment"
        ),
        purge=inactive_accounts_purge,
    )
)
personal_data.processing(
    Processing(
        key="privacy.login_attempts",
        order=70,
        data="Connexions et tentatives de connexion : adresse IP, navigateur, identifiant saisi, date",
        purpose="Bloquer les tentatives répétées de deviner un mot de passe",
        legal_basis=personal_data.SECURITY,
        retention=lambda: personal_data.retention_label("login_attempt"),
        purge=purge_login_attempts,
    )
)
personal_data.processing(
    Processing(
        key="privacy.sessions",
        order=75,
        data="Session : un cookie strictement nécessaire qui vous garde connecté",
        purpose="Vous garder connecté d'une page à l'autre",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: (
            f"Jusqu'à la déconnexion, au plus {personal_data.duration_label(settings.SESSION_COOKIE_AGE // 86400)}"
        ),
        purge=purge_expired_sessions,
    )
)
personal_data.processing(
    Processing(
        key="privacy.tasks",
        order=80,
        data="Courriels envoyés par la plateforme : destinataire et contenu, dans la file des tâches de fond",
        purpose="Envoyer les courriels (invitations, besoins, inscriptions, rappels) et les réessayer en cas d'échec",
        legal_basis=personal_data.PUBLIC_TASK,
        retention=lambda: f"{personal_data.retention_label('finished_task')} après leur envoi",
        purge=purge_finished_tasks,
    )
)
