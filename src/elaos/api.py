"""The JSON API root: each app's router is mounted under /api/v1/."""

from ninja import NinjaAPI

from elaos.accounts.api import router as accounts_router

api = NinjaAPI(
    title="e-Laos API",
    version="1",
    description="The public and agency API of e-Laos. Errors carry a stable `code` and a message in the "
    "request's language (Accept-Language: lo or en).",
    urls_namespace="api",
)
api.add_router("/", accounts_router)
