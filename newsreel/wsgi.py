import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from newsreel.env import prepare_local_files

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreel.settings")
# gunicorn started by hand (not by `newsreel serve`) is a process's start too: the folders and key it needs.
prepare_local_files(settings)
application = get_wsgi_application()
