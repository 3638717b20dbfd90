"""Settings for benchmark servers: the production settings, with only the URLconf (adds the bare peer views) and
the static root (a temporary directory the harness fills with collectstatic) changed."""

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from elaos.settings import *  # noqa: F403
from elaos.settings import DEBUG

if DEBUG:
    raise ImproperlyConfigured("Benchmarks measure the production configuration: run them with DEBUG off.")

ROOT_URLCONF = "benchmarks.urls"
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT") or Path(tempfile.gettempdir()) / "elaos-bench-static")
