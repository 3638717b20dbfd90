"""Settings for the test suite: the production settings with only what tests cannot use swapped out."""

import atexit
import shutil
import tempfile
from pathlib import Path

from elaos.settings import *  # noqa: F403
from elaos.settings import STORAGES

# Tests render pages without running collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Argon2 is deliberately slow; tests that check hashing ask for it explicitly.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
NOTIFY_SMS_BACKEND = "outbox"
NOTIFY_EMAIL_BACKEND = "outbox"
# Tests look at fresh pages; the public-page cache has tests of its own.
PUBLIC_PAGE_CACHE_SECONDS = 0
# Many tests load the whole demo; a smaller Glass Accounts year keeps them quick (the demo itself has 20,000).
BUDGET_DEMO_TRANSACTIONS = 2_000
# The suite empties the database between tests, so a delivery task one test saw waiting is gone in the next: the
# "task seen waiting" shortcut of elaos.notifications.tasks (and the linger it needs) is off; its tests turn it on.
NOTIFY_LINGER_SECONDS = 0
# Uploads (public and private media) go to a temporary directory of the run, never the project's own.
_MEDIA = Path(tempfile.mkdtemp(prefix="elaos-test-media-"))
atexit.register(shutil.rmtree, _MEDIA, ignore_errors=True)
MEDIA_ROOT = _MEDIA / "media"
PRIVATE_MEDIA_ROOT = _MEDIA / "private-media"
