"""The demo district: an org tree and users for every role, generated (no real data copied).

The names are invented; the shape (8 streets, ~60 communities, 40 departments, a 12345
centre, utility companies) is that of a typical Chinese urban district.
"""

from __future__ import annotations

import random

from django.db import transaction

from fazhi.core.models import Membership, OrgUnit, Role, UnitLevel, User

DEMO_PASSWORD = "fazhi-demo-2026"
STREETS = ["明湖街道", "青石街道", "凤岭街道", "金沙街道", "柳岸街道", "云溪街道", "新桥街道", "北港街道"]
COMMUNITY_ROOTS = "翠苑 锦绣 华庭 桃源 望江 春晖 安居 景泰 和平 长青 东风 新民 文昌 福田 嘉禾 阳光 枫林 荷塘".split()
DEPARTMENTS = [
    ("DEPT-HOUSING", "区住房和建设局"), ("DEPT-URBAN", "区城市管理和综合执法局"), ("DEPT-TRANSPORT", "区交通运输局"),
    ("DEPT-EDU", "区教育局"), ("DEPT-HEALTH", "区卫生健康局"), ("DEPT-ECO", "市生态环境局明湖分局"),
    ("DEPT-HRSS", "区人力资源和社会保障局"), ("DEPT-COMMERCE", "区商务局"), ("DEPT-CULTURE", "区文化广电旅游体育局"),
    ("DEPT-MARKET", "市场监督管理局明湖分局"), ("DEPT-PLAN", "规划和自然资源局明湖分局"), ("DEPT-WATER", "区水务局"),
    ("DEPT-CIVIL", "区民政局"), ("DEPT-JUSTICE", "区司法局"), ("DEPT-PS", "公安分局"), ("DEPT-FIN", "区财政局"),
    ("DEPT-DRC", "区发展和改革局"), ("DEPT-IND", "区工业和信息化局"), ("DEPT-SCI", "区科技创新局"),
    ("DEPT-AGRI", "区农业农村局"), ("DEPT-EMERG", "区应急管理局"), ("DEPT-VET", "区退役军人事务局"),
    ("DEPT-MEDSEC", "区医疗保障局"), ("DEPT-STAT", "区统计局"), ("DEPT-AUDIT", "区审计局"),
    ("DEPT-PETITION", "区信访局"), ("DEPT-GOV", "区政府办公室"), ("DEPT-LEGAL", "区司法局法治督察科"),
    ("DEPT-FOREST", "区林业局"), ("DEPT-SPORT", "区体育中心"), ("DEPT-CDC", "区疾病预防控制中心"),
    ("DEPT-TAX", "税务局明湖分局"), ("DEPT-TRAFFIC", "交警大队"), ("DEPT-FIRE", "消防救援大队"),
    ("DEPT-DATA", "区政务服务数据管理局"), ("DEPT-WOMEN", "区妇联"), ("DEPT-YOUTH", "团区委"),
    ("DEPT-DISABLED", "区残联"), ("DEPT-ARCHIVE", "区档案馆"), ("DEPT-PROPERTY", "区物业管理中心"),
]
COMPANIES = [("CO-WATER", "明湖供水有限公司"), ("CO-POWER", "供电局明湖供电分局"), ("CO-GAS", "明湖燃气有限公司"),
             ("CO-BUS", "明湖公交集团")]


@transaction.atomic
def build_org(seed: int = 7) -> dict:
    """Create the tree; returns the key units by name. Idempotent: returns the existing tree."""
    existing = OrgUnit.objects.filter(code="CITY").first()
    if existing:
        return _index()
    rng = random.Random(seed)
    city = OrgUnit.objects.create(name="示范市", code="CITY", level=UnitLevel.CITY)
    district = OrgUnit.objects.create(name="明湖区", code="DISTRICT", level=UnitLevel.DISTRICT, parent=city)
    OrgUnit.objects.create(name="明湖区12345热线中心", code="CENTRE", level=UnitLevel.CENTRE, parent=district,
                           is_centre=True)
    for code, name in DEPARTMENTS:
        OrgUnit.objects.create(name=name, code=code, level=UnitLevel.DEPARTMENT, parent=district)
    for code, name in COMPANIES:
        OrgUnit.objects.create(name=name, code=code, level=UnitLevel.COMPANY, parent=district)
    roots = COMMUNITY_ROOTS[:]
    n = 0
    for i, street in enumerate(STREETS, start=1):
        s = OrgUnit.objects.create(name=street, code=f"STREET-{i:02d}", level=UnitLevel.STREET, parent=district)
        for j in range(7 + (i % 3 == 0)):
            n += 1
            name = f"{street[:2]}{rng.choice(roots)}社区" if j else f"{street[:2]}社区"
            OrgUnit.objects.create(name=f"{name}{'' if j < 4 else j}", code=f"COMM-{n:03d}",
                                   level=UnitLevel.COMMUNITY, parent=s)
    return _index()


def _index() -> dict:
    return {u.code: u for u in OrgUnit.objects.all()}


# (username, display name, role, unit code)
DEMO_USERS = [
    ("admin", "系统管理员", Role.CENTRE_ADMIN, "CENTRE"),
    ("agent", "王晓梅", Role.INTAKE_AGENT, "CENTRE"),
    ("dispatcher", "李志强", Role.DISPATCHER, "CENTRE"),
    ("reviewer", "陈静", Role.REVIEWER, "CENTRE"),
    ("leader", "赵建国", Role.LEADER, "DISTRICT"),
    ("auditor", "孙丽", Role.AUDITOR, "CENTRE"),
    ("housing", "周明", Role.HANDLER, "DEPT-HOUSING"),
    ("urban", "吴涛", Role.HANDLER, "DEPT-URBAN"),
    ("transport", "郑磊", Role.HANDLER, "DEPT-TRANSPORT"),
    ("education", "冯雪", Role.HANDLER, "DEPT-EDU"),
    ("street1", "何芳", Role.HANDLER, "STREET-01"),
    ("legal", "林律", Role.LEGAL_OFFICER, "DEPT-JUSTICE"),
    ("disclosure", "高远", Role.DISCLOSURE_OFFICER, "DEPT-DATA"),
    ("housing_leader", "钱卫东", Role.LEADER, "DEPT-HOUSING"),
]


def build_users(units: dict) -> list[tuple[str, str, str]]:
    """Create the demo logins (skipping existing ones); returns (username, role label, unit)."""
    from django.contrib.auth.hashers import make_password

    password = make_password(DEMO_PASSWORD)  # hash once: Argon2 is deliberately slow
    out = []
    for username, display, role, unit_code in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": display, "password": password,
                                         "is_staff": role == Role.CENTRE_ADMIN,
                                         "is_superuser": username == "admin"})
        if created:
            Membership.objects.create(user=user, unit=units[unit_code], role=role)
        out.append((username, Role(role).label, units[unit_code].name))
    for code in ("DEPT-HOUSING", "DEPT-URBAN", "DEPT-TRANSPORT", "DEPT-EDU"):
        leader = User.objects.filter(username=f"{code.lower()}_lead").first()
        if leader is None:
            leader = User.objects.create(username=f"{code.lower()}_lead", display_name="分管领导", password=password)
            Membership.objects.create(user=leader, unit=units[code], role=Role.LEADER)
        OrgUnit.objects.filter(pk=units[code].pk).update(leader=leader)
    return out
