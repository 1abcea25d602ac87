"""What every disclosure page needs: the role check, the unit and year a page is about, downloads."""

from __future__ import annotations

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from fazhi.cases.models import Case
from fazhi.core import audit
from fazhi.core.access import can_see_case, covers, memberships, roles_of
from fazhi.core.models import OrgUnit
from fazhi.disclosure.registry import VIEWERS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request, roles) -> None:
    if not (request.user.is_superuser or roles_of(request.user) & roles):
        audit.record(action="permission.denied", actor=request.user, target=request.path)
        raise PermissionDenied


def _unit(request, roles=VIEWERS) -> OrgUnit:
    """The unit a page is about: ?unit= when the user may see it, else the active membership's unit."""
    _require(request, roles)
    ms = [m for m in memberships(request.user) if m.role in roles]
    wanted = request.GET.get("unit") or request.POST.get("unit")
    if wanted and str(wanted).isdigit():
        unit = OrgUnit.objects.filter(pk=int(wanted)).first()
        if unit and (request.user.is_superuser or any(m.unit.is_centre or covers(m.unit, unit) for m in ms)):
            return unit
    active = request.active_membership
    if active is not None and active.role in roles:
        return active.unit
    if ms:
        return ms[0].unit
    return OrgUnit.objects.order_by("path").first()


def _units_for(request):
    if request.user.is_superuser or any(m.unit.is_centre for m in memberships(request.user)):
        return OrgUnit.objects.filter(level__in=["district", "department", "street"]).order_by("path")
    return [m.unit for m in memberships(request.user) if m.role in VIEWERS]


def _year(request) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _case(request, number) -> Case:
    case = get_object_or_404(Case.objects.select_related("owner_unit"), number=number, kind="disclosure")
    if not can_see_case(request.user, case):
        raise Http404
    return case


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"download\"; filename*=UTF-8''{quote(filename)}"
    return response
