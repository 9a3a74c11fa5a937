from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from essaim.api.api import api

admin.site.site_header = "Essaim — back-office"
admin.site.site_title = "Essaim"
admin.site.index_title = "Administration de la plateforme"

urlpatterns = [
    path("", include("essaim.core.urls")),
    path("compte/", include("essaim.accounts.urls")),
    path("", include("essaim.privacy.urls")),
    path("territoire/", include("essaim.territory.urls")),
    path("evenements/", include("essaim.events.urls")),
    path("cooperation/", include("essaim.cooperation.urls")),
    path("annuaire/", include("essaim.directory.urls")),
    path("besoins/", include("essaim.sourcing.urls")),
    path("insight/", include("essaim.insight.urls")),
    path("clauses-sociales/", include("essaim.clauses.urls")),
    path("", include("essaim.onboarding.urls")),
    path("api/v1/", api.urls),
    path("back-office/", admin.site.urls),
]

# The French 400 page, whatever middleware refused the request (see essaim.core.views.bad_request).
handler400 = "essaim.core.views.bad_request"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
