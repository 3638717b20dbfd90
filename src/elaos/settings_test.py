"""Settings for the test suite: the production settings with only what tests cannot use swapped out."""

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
