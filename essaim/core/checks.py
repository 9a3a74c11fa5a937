"""System checks: the brand colours configured for the territory must stay accessible (WCAG AA)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register

from .colors import contrast_ratio


@register()
def brand_colours_are_accessible(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    primary = settings.ESSAIM_BRAND.get("primary_color", "")
    try:
        ratio = contrast_ratio(primary, "#ffffff")
    except ValueError:
        return [Error(f"BRAND_PRIMARY_COLOR {primary!r} is not a #rrggbb colour.", id="essaim.E001")]
    if ratio < 4.5:
        errors.append(
            Error(
                f"BRAND_PRIMARY_COLOR {primary} has a contrast ratio of {ratio:.2f}:1 with white; "
                "WCAG 2.1 AA needs 4.5:1 for text.",
                id="essaim.E002",
            )
        )
    return errors


# Debian packages WeasyPrint needs (scripts/system-packages.sh installs them on development machines).
PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
PDF_FONT = "DejaVu Sans"  # the font our PDF templates name


@register(deploy=True)
def pdf_engine_works(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Badges, agendas, agreements and SPASER reports are PDFs: render a tiny one at start-up, so that a server
    missing a library or the font fails here and not on the first download."""
    hint = f"Install the system packages: apt-get install {PDF_PACKAGES}"
    try:
        from weasyprint import HTML  # imported here: loading pango costs time, and only this check needs it
        from weasyprint.text import ffi  # same reason as the line above

        document = HTML(string=f'<p style="font-family: {PDF_FONT}">Essaim é</p>').render()
        pdf = document.write_pdf()
    except (ImportError, OSError) as error:
        return [Error(f"WeasyPrint cannot produce PDFs: {error}", hint=hint, id="essaim.E003")]
    errors = []
    if ffi.harfbuzz_subset is None:
        errors.append(Error("WeasyPrint does not find libharfbuzz-subset.", hint=hint, id="essaim.E004"))
    if not pdf.startswith(b"%PDF-") or PDF_FONT not in {font.family for font in document.fonts.values()}:
        errors.append(Error(f"PDFs are not drawn with the {PDF_FONT} font.", hint=hint, id="essaim.E005"))
    return errors


@register()
def private_files_stay_private(app_configs: Any, **kwargs: Any) -> list[Error]:
    """PRIVATE_MEDIA_ROOT inside MEDIA_ROOT or STATIC_ROOT would let the proxy publish private uploads."""
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = Path(getattr(settings, name) or "/nonexistent-public-root").resolve()
        if private == public or public in private.parents:
            return [
                Error(
                    f"PRIVATE_MEDIA_ROOT ({private}) is inside {name} ({public}): the proxy would publish private "
                    "uploads. Put it in a folder of its own.",
                    id="essaim.E010",
                )
            ]
    return []


@register(deploy=True)
def someone_is_told_about_errors(app_configs: Any, **kwargs: Any) -> list[Warning]:
    """The 500 page says the team is told: in production, ADMINS receive every error by mail."""
    if settings.ADMINS:
        return []
    return [
        Warning(
            "ADMINS is empty: server errors are only written to the log, nobody is mailed.",
            hint='Set ADMINS in the environment, e.g. ADMINS="Équipe Essaim <essaim@ville.example>".',
            id="essaim.W001",
        )
    ]
