import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elaos.settings")
application = get_wsgi_application()

from elaos.core.runtime import prepare_web_process  # noqa: E402 (needs the settings configured above)

prepare_web_process()
