"""Wires disclosure into the engine: its workflow, the home-page queues, the menu entries.

Warnings reach people through the engine's tick (which stamps `warned_at` when 3 working days
remain and `overdue_at` after the deadline) and the "即将到期和超期" queue, shown to the
disclosure officer and to the unit's leader.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fazhi.cases import workflow as workflows
from fazhi.cases.models import Case
from fazhi.core import navigation, queues
from fazhi.core.models import Role
from fazhi.disclosure.workflow import WORKFLOW

workflows.register(WORKFLOW)

VIEWERS = frozenset({Role.DISCLOSURE_OFFICER, Role.LEADER, Role.CENTRE_ADMIN, Role.AUDITOR})


def _requests(membership):
    qs = Case.objects.filter(kind="disclosure")
    if membership.unit.is_centre:
        return qs
    return qs.filter(owner_unit__path__startswith=membership.unit.path)


def _due_soon(user, membership):
    now = timezone.now()
    return (
        _requests(membership)
        .open()
        .filter(Q(warn_at__lte=now) | Q(warned_at__isnull=False) | Q(due_at__lt=now))
    )


queues.register(
    queues.Queue(
        "disclosure_open",
        "依申请公开：办理中",
        frozenset({Role.DISCLOSURE_OFFICER}),
        lambda user, m: _requests(m).open().order_by("due_at", "id"),
        url=lambda: reverse("disclosure_queue"),
    )
)
queues.register(
    queues.Queue(
        "disclosure_due",
        "依申请公开：即将到期和超期",
        frozenset({Role.DISCLOSURE_OFFICER, Role.LEADER}),
        lambda user, m: _due_soon(user, m).order_by("due_at", "id"),
        url=lambda: reverse("disclosure_queue") + "?due=1",
    )
)
queues.register(
    queues.Queue(
        "disclosure_extension",
        "依申请公开：待审批延期",
        frozenset({Role.LEADER, Role.CENTRE_ADMIN}),
        lambda user, m: _requests(m).filter(state="extension_pending"),
        url=lambda: reverse("disclosure_queue") + "?state=extension_pending",
    )
)

navigation.register(navigation.NavItem("信息公开", "disclosure_queue", VIEWERS, order=40))
navigation.register(navigation.NavItem("信息公开年报", "disclosure_annual", VIEWERS, order=41))
