"""Masking of personal data (PIPL): the conventions of DOMAIN.md §7."""

from __future__ import annotations

import re

from fazhi.core.access import acting_membership, roles_of
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


# Who still sees a confidential requester: the people who take the call and call back — the
# roles of the appeal workflow's callback transition (appeals.workflow.AGENTS), not imported
# from there so that core does not depend on an app.
CONFIDENTIAL_UNMASKED_ROLES = frozenset({Role.INTAKE_AGENT, Role.CENTRE_ADMIN})


def is_confidential(case) -> bool:
    """True for an appeal whose requester asked for confidentiality (Appeal.confidential)."""
    if getattr(case, "kind", None) != "appeal":
        return False
    return bool(getattr(getattr(case, "appeal", None), "confidential", False))


def can_see_requester(user, case) -> bool:
    """Whether `user` may see the requester's name, phone and ID number of `case` unmasked.

    Every page, list and export that shows a requester asks this one function, so the rule
    lives in one place:

    - an ordinary case: the roles whose duties need the contact data (UNMASKED_ROLES);
    - a confidential appeal (GB/T 33358, "kept confidential if the caller asks"): only an
      intake agent or a centre administrator acting for the owning unit (the 12345 centre or
      a unit above it), because they answer and call back the requester. Everyone else sees
      the masked values — in particular the handling unit's staff (handlers, and an agent or
      administrator whose membership is not at or above the owning unit): the requester asked
      exactly that the unit they complain to or about should not learn who they are. The
      handling unit still gets the matter and its place, since it cannot handle it without them.

    Superusers are not special, as in can_see_personal_data: the data follows duties, not
    technical rights.
    """
    if not is_confidential(case):
        return can_see_personal_data(roles_of(user))
    return acting_membership(user, roles=CONFIDENTIAL_UNMASKED_ROLES, targets=[case.owner_unit]) is not None
