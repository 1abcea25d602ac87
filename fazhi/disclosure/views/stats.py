"""The disclosure dashboard page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fazhi.disclosure import services
from fazhi.disclosure.views.common import _unit, _units_for, _year


@login_required
def dashboard(request):
    unit, year = _unit(request), _year(request)
    figures = services.dashboard(unit=unit, year=year)
    charts = {k: figures[k] for k in ("months", "by_month", "outcomes", "requester_types")}
    return render(
        request,
        "disclosure/dashboard.html",
        {"unit": unit, "year": year, "f": figures, "units": _units_for(request), "charts": charts},
    )
