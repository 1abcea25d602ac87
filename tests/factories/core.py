"""Factories for org units and users (one small file per app, not one giant one)."""

from __future__ import annotations

import itertools

from fazhi.core.models import OrgUnit, UnitLevel
from fazhi.core.services import create_user

_seq = itertools.count(1)
PASSWORD = "Fazhi-test-2026"


def unit(name: str, level: str, parent: OrgUnit | None = None, **kw) -> OrgUnit:
    return OrgUnit.objects.create(name=name, code=f"U{next(_seq):05d}", level=level, parent=parent, **kw)


def user(role: str, unit_: OrgUnit, username: str | None = None, **kw):
    return create_user(username=username or f"{role}{next(_seq)}", password=PASSWORD,
                       display_name=kw.pop("display_name", ""), memberships=[(unit_, role)], **kw)


class Org:
    """A miniature district: a centre, two streets with communities, three departments."""

    def __init__(self):
        self.city = unit("某市", UnitLevel.CITY)
        self.district = unit("示范区", UnitLevel.DISTRICT, self.city)
        self.centre = unit("区政务服务和数据管理局（12345中心）", UnitLevel.CENTRE, self.district, is_centre=True)
        self.street_a = unit("东湖街道", UnitLevel.STREET, self.district)
        self.street_b = unit("西山街道", UnitLevel.STREET, self.district)
        self.community_a = unit("东湖社区", UnitLevel.COMMUNITY, self.street_a)
        self.housing = unit("区住房和建设局", UnitLevel.DEPARTMENT, self.district)
        self.transport = unit("区交通运输局", UnitLevel.DEPARTMENT, self.district)
        self.education = unit("区教育局", UnitLevel.DEPARTMENT, self.district)
