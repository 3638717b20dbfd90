from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from elaos.agencies import selectors
from elaos.core.decorators import staff_required


@staff_required
def backoffice(request: HttpRequest) -> HttpResponse:
    return render(request, "agencies/backoffice.html", {"assignments": selectors.assignments_for(request.user)})


@staff_required
def organisations(request: HttpRequest) -> HttpResponse:
    ministries = selectors.ministries().prefetch_related("children__children", "sectors")
    return render(request, "agencies/organisations.html", {"ministries": ministries})
