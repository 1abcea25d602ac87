"""What the writer works out for each row besides the row itself: its street, its deadline, what it repeats.

Each mirrors a per-appeal function of the intake path (services.place_for, clocks.start,
services.find_repeat) over data loaded once per import instead of once per row.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import datetime

from fazhi.appeals import deadlines
from fazhi.appeals.imports.rows import Row
from fazhi.appeals.models import Appeal
from fazhi.appeals.services import REPEAT_WINDOW
from fazhi.cases import clocks
from fazhi.cases.clock import SHANGHAI, ClockUnit
from fazhi.cases.models import Case
from fazhi.core.models import OrgUnit


class Places:
    """services.place_for (the street named in the address) over streets loaded once."""

    def __init__(self):
        self.streets = list(OrgUnit.objects.filter(level="street").only("id", "name"))
        self.memo: dict[str, int | None] = {}

    def __call__(self, address: str) -> int | None:
        if not address:
            return None
        if address not in self.memo:
            hits = [
                s
                for s in self.streets
                if s.name and (s.name in address or (s.name.removesuffix("街道") or s.name) in address)
            ]
            self.memo[address] = max(hits, key=lambda s: len(s.name)).pk if hits else None
        return self.memo[address]


class Clocks:
    """The clock fields clocks.start sets, worked out once per rule and start day.

    A day-counted deadline depends on the start day only (the start time matters just for
    warn_at, which never falls before the start), so a year of appeals needs a few thousand
    computations, not one per appeal. Hour-counted (urgent) clocks are computed each time.
    """

    def __init__(self):
        self.rules: dict[tuple[str, str], object] = {}
        self.days: dict[tuple, Case] = {}

    def fields(self, start: datetime, appeal_type: str, urgency: str, matter_days: int | None = None) -> dict:
        key = (appeal_type, urgency, matter_days)
        if key not in self.rules:  # rule_for reads the DeadlinePolicy table; once per kind is enough
            self.rules[key] = deadlines.rule_for(appeal_type, urgency, matter_days=matter_days)
        rule = self.rules[key]
        if rule is None or rule.unit == ClockUnit.NATURAL_HOURS:
            case = Case()
            clocks.start(case, rule=rule, now=start)
            return self._of(case)
        day = start.astimezone(SHANGHAI).date()
        template = self.days.get((key, day))
        if template is None:
            template = self.days[(key, day)] = Case()
            clocks.start(template, rule=rule, now=datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI))
        out = self._of(template)
        out["clock"] = {**template.clock, "started_at": start.isoformat()}
        out["warn_at"] = max(template.warn_at, start) if template.warn_at else None
        return out

    @staticmethod
    def _of(case: Case) -> dict:
        return {
            "clock": case.clock,
            "clock_state": case.clock_state,
            "due_at": case.due_at,
            "warn_at": case.warn_at,
            "due_provisional": case.due_provisional,
        }


class Repeats:
    """services.find_repeat for a whole import: the latest earlier appeal within 30 days from the
    same phone or, failing that, about the same address and matter.

    The appeals already in the database are read once, for the phones and addresses of the file
    and the time span it covers; the imported rows join the index as they are written, in
    received order, so the index stays sorted. (An appeal typed in while the import runs is not
    seen as an earlier one; intake itself only ever looks backwards too.)
    """

    def __init__(self, rows: list[Row]):
        self.by_phone: dict[str, list] = defaultdict(list)
        self.by_place: dict[tuple, list] = defaultdict(list)
        self._added: list[list] = []
        if not rows:
            return
        recent = Case.objects.filter(
            kind="appeal",
            received_at__gte=rows[0].received_at - REPEAT_WINDOW,
            received_at__lte=rows[-1].received_at,
        )
        phones = sorted({r.data.phone for r in rows if r.data.phone})
        for start in range(0, len(phones), 500):
            for phone, at, pk, number in recent.filter(
                requester__phone__in=phones[start : start + 500]
            ).values_list("requester__phone", "received_at", "id", "number"):
                self.by_phone[phone].append((at, pk, number))
        places = {(r.data.address, r.data.matter.pk) for r in rows if r.data.address and r.data.matter}
        addresses = sorted({a for a, _ in places})
        for start in range(0, len(addresses), 500):
            for address, matter, at, pk, number in Appeal.objects.filter(
                case__in=recent,
                address__in=addresses[start : start + 500],
                matter_id__in={m for _, m in places},
            ).values_list("address", "matter_id", "case__received_at", "case_id", "case__number"):
                if (address, matter) in places:
                    self.by_place[(address, matter)].append((at, pk, number))
        for group in (*self.by_phone.values(), *self.by_place.values()):
            group.sort()

    def link(self, row: Row) -> tuple[int, str] | None:
        """The (id, number) `row` repeats; then `row` joins the index for the rows after it."""
        found = None
        keys = [(self.by_phone, row.data.phone)] if row.data.phone else []
        if row.data.address and row.data.matter:
            keys.append((self.by_place, (row.data.address, row.data.matter.pk)))
        for index, key in keys:
            group = index[key]
            if found is None:
                i = bisect_right(group, (row.received_at, row.case_id, "~")) - 1
                if i >= 0 and group[i][0] >= row.received_at - REPEAT_WINDOW:
                    found = group[i][1:]
            group.append((row.received_at, row.case_id, row.number))
            self._added.append(group)
        return found

    def begin(self) -> None:
        """Start a batch: undo() takes back what link() adds from here on."""
        self._added = []

    def undo(self) -> None:
        """Forget the rows of a batch that was rolled back (their ids and numbers are void)."""
        for group in reversed(self._added):
            group.pop()
        self._added = []
