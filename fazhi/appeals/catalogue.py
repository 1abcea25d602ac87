"""The matter catalogue (派单目录 / 民生事项标准): XLSX import and export, versions, duty rulings.

国办函〔2025〕66号 asks for a dispatch catalogue built from law, the 三定 provisions and the
responsibility lists, kept current, with the hotline office settling unclear ownership. Here:

- `import_matters` reads the three-level tree from XLSX (columns: COLUMNS). Every row is checked
  first and every problem reported with its row number; then all rows are written in one
  transaction, or none are.
- every change to a matter bumps its `version` and writes a MatterChange (before/after JSON,
  reason, actor), so "who owned this matter on 3 March" is answerable;
- `clarify_duty` records what an arbitration (快裁) settled as a new version of the matter;
  `arbitrate` fires the arbitrate transition and records the ruling in one call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from fazhi.appeals.imports import ImportFileError, cell_text, header_map, read_table
from fazhi.appeals.models import Matter, MatterChange
from fazhi.cases.errors import GuardRefused
from fazhi.cases.models import CaseEvent
from fazhi.core import audit
from fazhi.core.models import OrgUnit, UnitLevel

COLUMNS = {
    "编码": "code",
    "名称": "name",
    "层级": "level",
    "上级编码": "parent",
    "一级分类": "category",
    "关键词": "keywords",
    "法律依据": "legal_basis",
    "默认时限": "default_days",
    "责任单位编码": "unit",
    "属地办理": "street_level",
}
REQUIRED = ("编码", "名称", "层级")
_LEVELS = {"1": 1, "2": 2, "3": 3, "一级": 1, "二级": 2, "三级": 3}
_YES = {"是", "y", "yes", "true", "1", "属地"}
_NO = {"", "否", "n", "no", "false", "0"}
_LIMITS = {f.name: f.max_length for f in Matter._meta.concrete_fields if f.max_length}
# A ruling naming a street or community makes the matter a 属地 (place-based) one.
_PLACE_LEVELS = (UnitLevel.STREET, UnitLevel.COMMUNITY)


class CatalogueError(ValueError):
    """The file cannot be imported; `errors` lists every problem ("第3行：…"). Nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class CatalogueResult:
    created: int
    changed: int
    unchanged: int


def snapshot(matter: Matter) -> dict:
    """The matter as the catalogue shows it: the before/after of a MatterChange."""
    return {
        "code": matter.code,
        "name": matter.name,
        "level": matter.level,
        "parent": matter.parent.code if matter.parent_id else "",
        "category": matter.category,
        "keywords": matter.keywords,
        "legal_basis": matter.legal_basis,
        "default_days": matter.default_days,
        "responsible_unit": matter.responsible_unit.code if matter.responsible_unit_id else "",
        "street_level": matter.street_level,
        "active": matter.active,
    }


def _save_version(
    matter: Matter, *, before: dict, actor, reason: str, now: datetime, case=None
) -> MatterChange:
    matter.version = 1 if not before else matter.version + 1
    matter.save()
    return MatterChange.objects.create(
        matter=matter,
        version=matter.version,
        at=now,
        actor=actor,
        reason=reason[:300],
        before=before,
        after=snapshot(matter),
        case=case,
    )


# -- import --------------------------------------------------------------------------------
def _check(table: list[tuple[int, list]]) -> list[dict]:
    """Every row as clean values, or CatalogueError listing every bad row."""
    at = header_map(table[0][1], COLUMNS, REQUIRED)
    if len(table) < 2:
        raise ImportFileError("文件中没有数据行（第1行为表头）")
    units = {u.code: u for u in OrgUnit.objects.all()}
    known = {m.code: m for m in Matter.objects.all()}
    errors: list[tuple[int, str]] = []
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for number, cells in table[1:]:
        v = {key: cell_text(cells[i]) if i < len(cells) else "" for key, i in at.items()}
        problems = []
        code, name = v.get("code", ""), v.get("name", "")
        if not code:
            problems.append("编码不能为空")
        elif code in seen:
            problems.append(f"编码 {code} 与第{seen[code]}行重复")
        else:
            seen[code] = number
        if not name:
            problems.append("名称不能为空")
        for key, label in (
            ("code", "编码"),
            ("name", "名称"),
            ("category", "一级分类"),
            ("keywords", "关键词"),
            ("legal_basis", "法律依据"),
        ):
            if len(v.get(key, "")) > _LIMITS[key]:
                problems.append(f"{label}过长（最多 {_LIMITS[key]} 字）")
        level = _LEVELS.get(v.get("level", "").removesuffix(".0"))
        if level is None:
            problems.append(f"层级“{v.get('level', '')}”无效，应为 1、2 或 3")
        elif code in known and known[code].level != level:
            problems.append(f"已有事项的层级不能修改（现为 {known[code].level} 级）")
        days = v.get("default_days", "")
        if days and not (days.isdigit() and 1 <= int(days) <= 365):
            problems.append(f"默认时限“{days}”无效，应为 1 至 365 之间的整数（工作日）")
        unit = v.get("unit", "")
        if unit and unit not in units:
            problems.append(f"责任单位编码不存在：{unit}")
        flag = v.get("street_level", "").lower()
        if flag not in _YES and flag not in _NO:
            problems.append(f"属地办理“{v.get('street_level')}”无效，应为“是”或“否”")
        if problems:
            errors.append((number, "；".join(problems)))
            continue
        rows.append(
            {
                **v,
                "row": number,
                "level": level,
                "default_days": int(days) if days else None,
                "unit": units.get(unit),
                "street_level": flag in _YES,
            }
        )
    errors += _check_tree(rows, known)
    if errors:
        raise CatalogueError([f"第{n}行：{text}" for n, text in sorted(errors)])
    return sorted(rows, key=lambda r: r["level"])


def _check_tree(rows: list[dict], known: dict[str, Matter]) -> list[tuple[int, str]]:
    """Parents exist one level up (in the file or the catalogue); categories inherit downwards."""
    in_file = {r["code"]: r for r in rows}
    errors = []
    for r in sorted(rows, key=lambda r: r["level"]):
        parent = r.get("parent", "")
        if r["level"] == 1:
            if parent:
                errors.append((r["row"], "一级事项不能有上级编码"))
            r["category"] = r.get("category") or r["name"]
            continue
        if not parent:
            errors.append((r["row"], f"{r['level']}级事项须填写上级编码"))
            continue
        up = in_file.get(parent) or known.get(parent)
        if up is None:
            errors.append((r["row"], f"上级编码不存在：{parent}"))
            continue
        up_level = up["level"] if isinstance(up, dict) else up.level
        if up_level != r["level"] - 1:
            errors.append(
                (
                    r["row"],
                    f"上级事项 {parent} 是 {up_level} 级，{r['level']}级事项的上级应为 {r['level'] - 1} 级",
                )
            )
            continue
        r["category"] = r.get("category") or (up.get("category", "") if isinstance(up, dict) else up.category)
    return errors


def import_matters(
    path: str | Path, *, actor=None, reason: str = "", now: datetime | None = None
) -> CatalogueResult:
    """Create or update the matters of an XLSX (or CSV) catalogue file, all or nothing.

    Matters not in the file are left as they are. An unchanged row writes nothing.
    """
    now = now or timezone.now()
    try:
        table = read_table(path)
    except ImportFileError as exc:
        raise CatalogueError([exc.message]) from exc
    try:
        rows = _check(table)
    except ImportFileError as exc:  # header problems
        raise CatalogueError([exc.message]) from exc
    reason = reason.strip() or f"事项目录导入（{Path(path).name}）"
    created = changed = 0
    with transaction.atomic():
        matters = {
            m.code: m
            for m in Matter.objects.select_related("parent", "responsible_unit").select_for_update(
                of=("self",)
            )
        }
        for r in rows:  # parents first: rows are sorted by level
            matter = matters.get(r["code"]) or Matter(code=r["code"])
            before = snapshot(matter) if matter.pk else {}
            matter.name, matter.level, matter.category = r["name"], r["level"], r["category"]
            matter.parent = matters[r["parent"]] if r["level"] > 1 else None
            matter.keywords, matter.legal_basis = r.get("keywords", ""), r.get("legal_basis", "")
            matter.default_days, matter.street_level = r["default_days"], r["street_level"]
            matter.responsible_unit = r["unit"]
            matter.active = True
            if before and snapshot(matter) == before:
                continue
            _save_version(matter, before=before, actor=actor, reason=reason, now=now)
            matters[matter.code] = matter
            created += not before
            changed += bool(before)
        audit.record(
            action="matter.imported",
            actor=actor,
            target=Path(path).name,
            now=now,
            details={"created": created, "changed": changed, "rows": len(rows)},
        )
    return CatalogueResult(created=created, changed=changed, unchanged=len(rows) - created - changed)


# -- export --------------------------------------------------------------------------------
def tree_order(matters: list[Matter]) -> list[Matter]:
    """Each matter followed by its children, by code at every level."""
    children: dict[int | None, list[Matter]] = {}
    for m in sorted(matters, key=lambda m: m.code):
        children.setdefault(m.parent_id, []).append(m)
    ids = {m.pk for m in matters}
    out: list[Matter] = []

    def walk(parent_id):
        for m in children.get(parent_id, []):
            out.append(m)
            walk(m.pk)

    walk(None)
    for m in sorted(matters, key=lambda m: m.code):  # an orphan whose parent is inactive
        if m.parent_id is not None and m.parent_id not in ids:
            out.append(m)
            walk(m.pk)
    return out


def export_matters(path: str | Path | None = None) -> bytes:
    """The active catalogue as XLSX in the import's own columns, so the file round-trips."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "事项目录"
    ws.append(list(COLUMNS))
    matters = list(Matter.objects.filter(active=True).select_related("parent", "responsible_unit"))
    for m in tree_order(matters):
        ws.append(
            [
                m.code,
                m.name,
                m.level,
                m.parent.code if m.parent_id else "",
                m.category,
                m.keywords,
                m.legal_basis,
                m.default_days,
                m.responsible_unit.code if m.responsible_unit_id else "",
                "是" if m.street_level else "否",
            ]
        )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJ", (14, 24, 6, 14, 14, 30, 40, 10, 16, 10), strict=True):
        ws.column_dimensions[column].width = width
    out = BytesIO()
    wb.save(out)
    data = out.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


# -- arbitration ---------------------------------------------------------------------------
def clarify_duty(
    *, matter: Matter, unit: OrgUnit, actor, reason: str, case=None, now: datetime | None = None
) -> Matter:
    """Record what an arbitration (快裁) settled: `unit` now owns `matter`, as a new version.

    A department or company becomes the responsible unit; a street or community also makes
    the matter place-based (属地), so later appeals go to the street of their own place and
    only those without a known place go to `unit`. Returns the matter unchanged when it
    already says so. With `case`, the ruling also appears on the case's timeline.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise GuardRefused("明确事项职责须填写理由")
    if unit.level in (UnitLevel.CITY, UnitLevel.DISTRICT, UnitLevel.CENTRE):
        raise GuardRefused("请选择具体的承办部门、街道或企业")
    with transaction.atomic():
        locked = (
            Matter.objects.select_for_update(of=("self",))
            .select_related("parent", "responsible_unit")
            .get(pk=matter.pk)
        )
        before = snapshot(locked)
        locked.responsible_unit = unit
        locked.street_level = unit.level in _PLACE_LEVELS
        if snapshot(locked) == before:
            return locked
        change = _save_version(locked, before=before, actor=actor, reason=reason, now=now, case=case)
        audit.record(
            action="matter.duty_clarified",
            actor=actor,
            target=locked.code,
            now=now,
            details={"version": locked.version, "unit": unit.code, "case": case.number if case else None},
        )
        if case is not None:
            CaseEvent.objects.create(
                case=case,
                kind=f"{case.kind}.duty_clarified",
                from_state=case.state,
                to_state=case.state,
                actor=actor,
                at=now,
                comment=reason,
                details={
                    "matter": locked.code,
                    "version": change.version,
                    "unit": unit.pk,
                    "unit_name": unit.name,
                },
            )
    matter.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    matter._state.fields_cache = dict(locked._state.fields_cache)
    return locked


def arbitrate(*, case, unit: OrgUnit, actor, reason: str, now: datetime | None = None, clarify: bool = True):
    """快裁 in one step: the centre rules that `unit` owns the returned appeal and, when the appeal
    has a matter and `clarify` is set, the catalogue records the ruling (clarify_duty), so the next
    appeal of that matter goes to `unit` the first time.

    The transition runs on its own, not inside a wider transaction, so that a refusal still
    reaches the audit log; clarify_duty cannot refuse what the transition accepted (both need a
    reason and a concrete unit).
    """
    from fazhi.cases import services as cases

    now = now or timezone.now()
    cases.transition(
        case=case, name="arbitrate", actor=actor, now=now, comment=reason, params={"unit": unit.pk}
    )
    matter = case.appeal.matter
    if clarify and matter is not None:
        clarify_duty(matter=matter, unit=unit, actor=actor, reason=reason, case=case, now=now)
    return case
