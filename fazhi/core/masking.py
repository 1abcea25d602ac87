"""Masking of personal data (PIPL): the conventions of DOMAIN.md §7."""

from __future__ import annotations

import re

from fazhi.core.models import Role

# Roles whose duties need the requester's real contact data (calling back, handling).
UNMASKED_ROLES = frozenset({Role.INTAKE_AGENT, Role.HANDLER, Role.CENTRE_ADMIN, Role.DISCLOSURE_OFFICER})


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(value: str) -> str:
    value = (value or "").strip()
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(name: str) -> str:
    """Keep the surname: 张* / 欧阳**. Two-character compound surnames are kept whole."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    surname_len = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:surname_len] + "*" * (len(name) - surname_len)


def anonymise_name(name: str) -> str:
    """Court-style anonymisation for anything published: 张某 / 张某某."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + ("某" if len(name) <= 2 else "某某")


COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 南宫 西门 百里".split()
)


def can_see_personal_data(roles: set[str]) -> bool:
    return bool(set(roles) & UNMASKED_ROLES)
