"""Wires report review into the shell: one menu entry for the roles that review reports."""

from __future__ import annotations

from fazhi.core import navigation
from fazhi.core.models import Role

# Who reads reports: the rule-of-law office (legal officers), leaders, the centre and auditors.
REVIEW_ROLES = frozenset({Role.LEGAL_OFFICER, Role.LEADER, Role.CENTRE_ADMIN, Role.AUDITOR})
# Who imports them: leaders and auditors read, they do not add to the register.
UPLOAD_ROLES = frozenset({Role.LEGAL_OFFICER, Role.CENTRE_ADMIN})

navigation.register(navigation.NavItem("年度报告审查", "report_list", REVIEW_ROLES, order=50))
