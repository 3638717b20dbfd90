"""The production URLconf plus the peer views benchmarks compare against; used only by benchmarks.settings."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from elaos.urls import urlpatterns as elaos_urlpatterns


def hello(request: HttpRequest) -> HttpResponse:
    """The cheapest Django page: the full middleware stack, no template, no database."""
    return HttpResponse("hello")


urlpatterns = [
    path("bench/hello", hello, name="bench_hello"),
    *elaos_urlpatterns,
]
