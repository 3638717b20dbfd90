"""Settings for the load test's server: the production settings, with only the static root moved to the load
test's own directory (collectstatic fills it with the compressed, hashed files whitenoise serves)."""

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from elaos.settings import *  # noqa: F403
from elaos.settings import DEBUG

if DEBUG:
    raise ImproperlyConfigured("The load test measures the production configuration: run it with DEBUG off.")

STATIC_ROOT = Path(os.environ.get("LOAD_STATIC_ROOT") or Path(tempfile.gettempdir()) / "elaos-load" / "static")
