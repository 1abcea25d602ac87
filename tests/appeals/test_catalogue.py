"""The matter catalogue: XLSX import with row-level checks, versions, export round trip, duty rulings."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from fazhi.appeals import catalogue
from fazhi.appeals.catalogue import COLUMNS, CatalogueError, clarify_duty, export_matters, import_matters
from fazhi.appeals.models import Matter, MatterChange
from fazhi.cases.errors import GuardRefused, NotAllowed
from fazhi.cases.models import CaseEvent
from fazhi.core.models import AuditEntry
from tests.factories import appeals as fa
from tests.factories.appeals import at, step

HEADER = list(COLUMNS)
NOW = at(2026, 11, 20, 10)


def tree(org):
    """A small catalogue: two categories, three levels under 城乡建设."""
    h, t, s = org.housing.code, org.transport.code, org.street_a.code
    return [
        ["A", "城乡建设", 1, "", "", "住房、物业", "《城乡规划法》", 15, h, "否"],
        ["A01", "物业管理", 2, "A", "", "物业、电梯", "《物业管理条例》第十九条", 10, h, "否"],
        ["A0101", "电梯故障", 3, "A01", "", "电梯、困人", "", 3, h, "是"],
        ["A02", "违章搭建", 2, "A", "城市管理", "违建、加建", "", "", s, "属地"],
        ["B", "交通出行", 1, "", "", "公交、道路", "", None, t, ""],
        ["B01", "公交线路", 2, "B", "", "", "", 10, t, "N"],
    ]


def xlsx(path, rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def state():
    return (
        Matter.objects.count(),
        MatterChange.objects.count(),
        list(Matter.objects.order_by("code").values_list("code", "version", "name", "responsible_unit_id")),
    )


def test_import_builds_the_tree(tmp_path, org, people):
    result = import_matters(
        xlsx(tmp_path / "m.xlsx", tree(org)), actor=people.admin, reason="初次导入", now=NOW
    )
    assert (result.created, result.changed, result.unchanged) == (6, 0, 0)
    m = {x.code: x for x in Matter.objects.select_related("parent", "responsible_unit")}
    assert (m["A"].level, m["A"].parent, m["A"].category, m["A"].default_days) == (1, None, "城乡建设", 15)
    assert (m["A01"].parent, m["A01"].category, m["A01"].legal_basis) == (
        m["A"],
        "城乡建设",
        "《物业管理条例》第十九条",
    )
    assert (m["A0101"].parent, m["A0101"].level, m["A0101"].category, m["A0101"].street_level) == (
        m["A01"],
        3,
        "城乡建设",
        True,
    )
    assert (m["A02"].category, m["A02"].responsible_unit, m["A02"].street_level, m["A02"].default_days) == (
        "城市管理",
        org.street_a,
        True,
        None,
    )
    assert (m["B"].responsible_unit, m["B"].default_days, m["B"].street_level) == (org.transport, None, False)
    assert m["B01"].keywords == "" and m["A"].keywords == "住房、物业"
    assert {x.version for x in m.values()} == {1}
    change = MatterChange.objects.get(matter=m["A01"])
    assert (change.version, change.before, change.reason, change.actor, change.at) == (
        1,
        {},
        "初次导入",
        people.admin,
        NOW,
    )
    assert change.after == {
        "code": "A01",
        "name": "物业管理",
        "level": 2,
        "parent": "A",
        "category": "城乡建设",
        "keywords": "物业、电梯",
        "legal_basis": "《物业管理条例》第十九条",
        "default_days": 10,
        "responsible_unit": org.housing.code,
        "street_level": False,
        "active": True,
    }
    entry = AuditEntry.objects.get(action="matter.imported")
    assert entry.details == {"created": 6, "changed": 0, "rows": 6} and entry.actor == "centre_admin"


def test_parents_may_come_after_children_in_the_file(tmp_path, org):
    rows = tree(org)
    import_matters(xlsx(tmp_path / "m.xlsx", rows[::-1]), now=NOW)
    assert Matter.objects.get(code="A0101").parent.code == "A01"


def test_export_opens_in_openpyxl_and_round_trips(tmp_path, org, people):
    import_matters(xlsx(tmp_path / "m.xlsx", tree(org)), now=NOW)
    fa.matter(name="已停用", code="Z", active=False)
    out = tmp_path / "export.xlsx"
    call_command("export_matters", str(out))
    wb = load_workbook(out, read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == ["A", "A01", "A0101", "A02", "B", "B01"]  # tree order; Z is inactive
    assert rows[1] == [
        "A",
        "城乡建设",
        1,
        None,
        "城乡建设",
        "住房、物业",
        "《城乡规划法》",
        15,
        org.housing.code,
        "否",
    ]
    assert rows[3][3] == "A01" and rows[3][9] == "是" and rows[4][7] is None

    before = state()
    again = import_matters(out, now=NOW)
    assert (again.created, again.changed, again.unchanged) == (0, 0, 6)
    assert state() == before
    # stable output: the same cells every time (the zip container's timestamps may differ)
    def cells(data):
        from io import BytesIO

        from openpyxl import load_workbook

        return [list(r) for r in load_workbook(BytesIO(data)).active.iter_rows(values_only=True)]

    assert cells(export_matters()) == cells(export_matters())


def test_changes_bump_the_version_and_keep_before_and_after(tmp_path, org, people):
    import_matters(xlsx(tmp_path / "m.xlsx", tree(org)), now=NOW)
    out = tmp_path / "export.xlsx"
    export_matters(out)
    wb = load_workbook(out)
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "A0101":
            row[8].value = org.street_a.code  # responsible unit
        if row[0].value == "B01":
            row[5].value = "公交、线路、站点"  # keywords
    ws.append(["B02", "出租车", 2, "B", "", "出租车、网约车", "", 10, org.transport.code, "否"])
    wb.save(out)

    later = at(2026, 11, 21, 9)
    result = import_matters(out, actor=people.admin, reason="依据2026年权责清单调整", now=later)
    assert (result.created, result.changed, result.unchanged) == (1, 2, 4)
    elevator = Matter.objects.get(code="A0101")
    assert (elevator.version, elevator.responsible_unit) == (2, org.street_a)
    change = MatterChange.objects.get(matter=elevator, version=2)
    assert (
        change.before["responsible_unit"] == org.housing.code
        and change.after["responsible_unit"] == org.street_a.code
    )
    assert {k for k in change.after if change.after[k] != change.before[k]} == {"responsible_unit"}
    assert (change.reason, change.actor, change.at) == ("依据2026年权责清单调整", people.admin, later)
    assert Matter.objects.get(code="B01").version == 2 and Matter.objects.get(code="A").version == 1
    assert list(MatterChange.objects.filter(matter__code="B01").values_list("version", flat=True)) == [1, 2]


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path, org):
    fa.matter(code="OLD", name="既有事项", level=1)
    rows = [
        ["A", "城乡建设", 1, "", "", "", "", 15, org.housing.code, "否"],  # good, yet not imported
        ["", "无编码", 1, "", "", "", "", "", "", ""],
        ["A", "重复编码", 1, "", "", "", "", "", "", ""],
        ["C", "层级错", 4, "", "", "", "", "", "", ""],
        ["D", "一级带上级", 1, "A", "", "", "", "", "", ""],
        ["E", "二级无上级", 2, "", "", "", "", "", "", ""],
        ["F", "上级不存在", 2, "NOPE", "", "", "", "", "", ""],
        ["G", "跳级", 3, "A", "", "", "", "", "", ""],
        ["H", "时限错", 1, "", "", "", "", "三十", "", ""],
        ["I", "单位错", 1, "", "", "", "", 0, "NO-UNIT", "也许"],
        ["J", "名" * 101, 1, "", "", "", "", "", "", ""],
        ["OLD", "既有事项改层级", 2, "A", "", "", "", "", "", ""],
    ]
    before = state()
    with pytest.raises(CatalogueError) as info:
        import_matters(xlsx(tmp_path / "m.xlsx", rows), now=NOW)
    assert info.value.errors == [
        "第3行：编码不能为空",
        "第4行：编码 A 与第2行重复",
        "第5行：层级“4”无效，应为 1、2 或 3",
        "第6行：一级事项不能有上级编码",
        "第7行：2级事项须填写上级编码",
        "第8行：上级编码不存在：NOPE",
        "第9行：上级事项 A 是 1 级，3级事项的上级应为 2 级",
        "第10行：默认时限“三十”无效，应为 1 至 365 之间的整数（工作日）",
        "第11行：默认时限“0”无效，应为 1 至 365 之间的整数（工作日）；责任单位编码不存在：NO-UNIT；"
        "属地办理“也许”无效，应为“是”或“否”",
        "第12行：名称过长（最多 100 字）",
        "第13行：已有事项的层级不能修改（现为 1 级）",
    ]
    assert state() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件为空"),
        (b"%PDF-1.4 not a workbook", "不支持的文件类型"),
    ],
)
def test_malformed_catalogue_files(tmp_path, org, content, message):
    path = tmp_path / ("m.pdf" if content else "m.xlsx")
    path.write_bytes(content)
    with pytest.raises(CatalogueError) as info:
        import_matters(path, now=NOW)
    assert message in info.value.errors[0]


def test_wrong_columns(tmp_path, org):
    with pytest.raises(CatalogueError) as info:
        import_matters(xlsx(tmp_path / "m.xlsx", [["A", "x"]], header=["事项编码", "事项名称"]), now=NOW)
    assert "缺少必需的列：编码、名称、层级" in info.value.errors[0]
    assert Matter.objects.count() == 0


def test_commands(tmp_path, org, people, capsys):
    path = xlsx(tmp_path / "m.xlsx", tree(org))
    call_command("import_matters", str(path), "--reason", "初次导入", "--actor", "centre_admin")
    assert "新增 6 项，变更 0 项，未变 0 项" in capsys.readouterr().out
    assert MatterChange.objects.filter(reason="初次导入", actor=people.admin).count() == 6
    call_command("export_matters", str(tmp_path / "out.xlsx"))
    assert "已导出 6 项事项" in capsys.readouterr().out
    bad = xlsx(tmp_path / "bad.xlsx", [["X", "坏行", 9, "", "", "", "", "", "", ""]])
    with pytest.raises(CommandError, match="导入失败，未保存任何事项：\n第2行：层级“9”无效"):
        call_command("import_matters", str(bad))


def test_clarify_duty_after_arbitration(tmp_path, org, people):
    import_matters(xlsx(tmp_path / "m.xlsx", tree(org)), now=NOW)
    matter = Matter.objects.get(code="B01")  # owned by transport
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 10), matter="B01")
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.transport.pk)
    step(case, "return", people.transport, at(2026, 3, 2, 12), comment="线路规划属住建局")
    step(case, "arbitrate", people.admin, at(2026, 3, 2, 14), comment="快裁：住建局牵头", unit=org.housing.pk)

    with pytest.raises(GuardRefused, match="理由"):
        clarify_duty(matter=matter, unit=org.housing, actor=people.admin, reason=" ", case=case)
    with pytest.raises(GuardRefused, match="具体的承办部门"):
        clarify_duty(matter=matter, unit=org.district, actor=people.admin, reason="快裁", case=case)

    ruled = clarify_duty(
        matter=matter,
        unit=org.housing,
        actor=people.admin,
        reason="快裁：住建局牵头",
        case=case,
        now=at(2026, 3, 2, 14, 5),
    )
    assert (ruled.version, ruled.responsible_unit, ruled.street_level) == (2, org.housing, False)
    assert matter.version == 2 and Matter.objects.get(code="B01").responsible_unit == org.housing
    change = MatterChange.objects.get(matter=matter, version=2)
    assert (change.case, change.actor, change.reason) == (case, people.admin, "快裁：住建局牵头")
    assert (change.before["responsible_unit"], change.after["responsible_unit"]) == (
        org.transport.code,
        org.housing.code,
    )
    event = CaseEvent.objects.get(case=case, kind="appeal.duty_clarified")
    assert event.details == {
        "matter": "B01",
        "version": 2,
        "unit": org.housing.pk,
        "unit_name": org.housing.name,
    }
    assert AuditEntry.objects.get(action="matter.duty_clarified").details == {
        "version": 2,
        "unit": org.housing.code,
        "case": case.number,
    }

    # the same ruling again changes nothing
    again = clarify_duty(
        matter=matter, unit=org.housing, actor=people.admin, reason="重复", now=at(2026, 3, 3)
    )
    assert again.version == 2 and MatterChange.objects.filter(matter=matter).count() == 2

    # a ruling for a street makes the matter place-based
    street = clarify_duty(
        matter=matter, unit=org.street_b, actor=people.admin, reason="属地管理", now=at(2026, 3, 4)
    )
    assert (street.version, street.responsible_unit, street.street_level) == (3, org.street_b, True)
    assert catalogue.snapshot(street)["street_level"] is True


def test_arbitration_settles_the_case_and_the_catalogue_together(tmp_path, org, people):
    import_matters(xlsx(tmp_path / "m.xlsx", tree(org)), now=NOW)
    case = fa.appeal(people.agent, when=at(2026, 3, 2, 10), matter="A02")  # 违章搭建: street_a
    step(case, "dispatch", people.dispatcher, at(2026, 3, 2, 11), unit=org.street_a.pk)
    step(case, "return", people.street_a, at(2026, 3, 2, 12), comment="属城管执法")
    with pytest.raises(NotAllowed):  # only the centre's administrator arbitrates
        catalogue.arbitrate(
            case=case, unit=org.housing, actor=people.dispatcher, reason="快裁", now=at(2026, 3, 2, 13)
        )
    assert Matter.objects.get(code="A02").version == 1
    assert AuditEntry.objects.filter(action="permission.denied", target=case.number).exists()
    catalogue.arbitrate(
        case=case, unit=org.housing, actor=people.admin, reason="快裁：住建局负责", now=at(2026, 3, 2, 14)
    )
    case.refresh_from_db()
    matter = Matter.objects.get(code="A02")
    assert (case.state, case.handling_unit) == ("dispatched", org.housing)
    assert (matter.version, matter.responsible_unit, matter.street_level) == (2, org.housing, False)
    assert MatterChange.objects.get(matter=matter, version=2).case == case
    assert [e.kind for e in CaseEvent.objects.filter(case=case).order_by("at", "id")][-2:] == [
        "appeal.arbitrate",
        "appeal.duty_clarified",
    ]
