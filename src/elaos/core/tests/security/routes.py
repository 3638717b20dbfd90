"""Every route of the site, found the way Django and django-ninja see them: the URL resolver for HTML pages and the
OpenAPI schema for the API. The security tests run over these lists, so a route added tomorrow is tested tomorrow
(or the registry test fails until someone says what it is)."""

import re
import uuid
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# Django's admin has its own tests and authorisation; it is reached only by superusers.
SKIPPED_PREFIXES = ("admin/",)

# A value of each path-parameter type that names nothing that exists.
MISSING_VALUES = {"uuid": str(uuid.UUID(int=0x5EC0)), "int": "987654", "integer": "987654", "slug": "no-such-thing"}
MISSING_DEFAULT = "NO-SUCH-THING-404"

_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class HtmlRoute:
    key: str  # the URL name, namespace included: "services:application_status"
    pattern: str  # "services/applications/<uuid:public_id>/status/"
    params: dict[str, str] = field(default_factory=dict)  # name -> converter

    def url(self, **kwargs: object) -> str:
        def fill(match: re.Match[str]) -> str:
            name, converter = match["name"], match["converter"] or "str"
            value = kwargs.get(name, MISSING_VALUES.get(converter, MISSING_DEFAULT))
            return str(value)

        return "/" + _PARAM.sub(fill, self.pattern)


@dataclass(frozen=True)
class ApiRoute:
    method: str  # "GET"
    path: str  # "/api/v1/applications/{public_id}"
    params: dict[str, str]  # name -> OpenAPI type or format
    authenticated: bool  # the operation declares a security scheme
    session: bool = False  # ...and one of them is the session cookie (so CSRF applies)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, **kwargs: object) -> str:
        path = self.path
        for name, kind in self.params.items():
            path = path.replace("{" + name + "}", str(kwargs.get(name, MISSING_VALUES.get(kind, MISSING_DEFAULT))))
        return path


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):  # type: ignore[no-untyped-def]
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + _plain(str(entry.pattern)), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or getattr(entry.callback, "__name__", "unnamed")
            yield prefix + _plain(str(entry.pattern)), f"{namespace}:{name}" if namespace else name, entry.callback


_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _plain(pattern: str) -> str:
    """A route() pattern as is; a simple re_path() pattern (anchors, escapes, optional slash, named groups) as the
    equivalent route() pattern. Anything more complex is refused, so that no route is tested wrongly."""
    if not pattern.startswith("^") and not pattern.endswith("$"):
        return pattern
    plain = _REGEX_GROUP.sub(lambda m: f"<{m['name']}>", pattern.lstrip("^").rstrip("$"))
    plain = plain.replace("/?", "/").replace("\\", "")
    if re.search(r"[\[\](){}*+?|^$]", plain):
        raise AssertionError(f"{pattern}: this regular-expression route is too complex for the security tests")
    return plain


def _is_api(callback: object) -> bool:
    """django-ninja's operations and schema views: tested through the API's schema, not as pages."""
    module = getattr(callback, "__module__", "") or ""
    func = getattr(callback, "func", None)  # functools.partial (the schema and docs views)
    return module.startswith("ninja.") or (func is not None and "api" in getattr(callback, "keywords", {}))


def html_routes() -> list[HtmlRoute]:
    """Every page of the URL conf outside the APIs and the admin."""
    routes: dict[str, HtmlRoute] = {}
    for pattern, key, callback in _walk(get_resolver()):
        if pattern.startswith(SKIPPED_PREFIXES) or _is_api(callback):
            continue
        params = {m["name"]: m["converter"] or "str" for m in _PARAM.finditer(pattern)}
        assert key not in routes, f"two routes are named {key}: name every route uniquely"
        routes[key] = HtmlRoute(key=key, pattern=pattern, params=params)
    return sorted(routes.values(), key=lambda r: r.key)


def html_object_routes() -> list[HtmlRoute]:
    return [r for r in html_routes() if r.params]


def html_callback(route: HtmlRoute):  # type: ignore[no-untyped-def]
    for _pattern, key, callback in _walk(get_resolver()):
        if key == route.key:
            return callback
    raise KeyError(route.key)


def ninja_apis() -> list[object]:
    """Every NinjaAPI mounted in the URL conf, found through its OpenAPI schema view."""
    found: list[object] = []
    for _pattern, _key, callback in _walk(get_resolver()):
        api = getattr(callback, "keywords", {}).get("api") if getattr(callback, "func", None) else None
        if api is not None and api not in found:
            found.append(api)
    return found


def api_routes() -> list[ApiRoute]:
    routes = []
    for api in ninja_apis():
        schema = api.get_openapi_schema()  # type: ignore[attr-defined]
        schemes = schema.get("components", {}).get("securitySchemes", {})
        cookie_schemes = {name for name, scheme in schemes.items() if scheme.get("in") == "cookie"}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                params = {
                    p["name"]: p.get("schema", {}).get("format") or p.get("schema", {}).get("type", "string")
                    for p in operation.get("parameters", [])
                    if p["in"] == "path"
                }
                security = {name for requirement in operation.get("security") or [] for name in requirement}
                routes.append(
                    ApiRoute(
                        method=method.upper(),
                        path=path,
                        params=params,
                        authenticated=bool(security),
                        session=bool(security & cookie_schemes),
                    )
                )
    return sorted(routes, key=lambda r: r.key)


def api_object_routes() -> list[ApiRoute]:
    return [r for r in api_routes() if r.params]
