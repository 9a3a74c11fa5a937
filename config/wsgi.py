"""The WSGI application (gunicorn). Production settings unless DJANGO_SETTINGS_MODULE says otherwise."""

import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

# A server that cannot do its job fails at start-up, loudly, not on the first request that needs it: the
# deployment checks (PDF libraries and fonts, brand colours, security settings) run once per worker.
_errors = [message for message in checks.run_checks(include_deployment_checks=True) if message.is_serious()]
if _errors:
    raise ImproperlyConfigured("System checks failed:\n" + "\n".join(str(error) for error in _errors))
