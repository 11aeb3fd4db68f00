"""WSGI entry point: ``gunicorn medsite.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsite.settings")

application = get_wsgi_application()
