"""Bulk import of appeals from CSV and XLSX: validation per row, idempotence, numbering, bad files."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from fazhi.appeals import imports, services
from fazhi.appeals.imports import ImportFileError, import_appeals, reserve_numbers, writer
from fazhi.appeals.models import Appeal
from fazhi.cases.models import Case, CaseEvent, Requester
from fazhi.core.models import AuditEntry, Counter
from tests.factories import appeals as fa
from tests.factories.appeals import at

NOW = at(2026, 11, 20, 12)
HEADER = [
    "外部编号",
    "标题",
    "内容",
    "诉求类型",
    "紧急程度",
    "渠道",
    "姓名",
    "电话",
    "地址",
    "事项编码",
    "受理时间",
]


def row(
    ext,
    content="小区路灯不亮，晚上出行不便。",
    *,
    kind="投诉",
    urgency="一般",
    channel="12345热线",
    name="李四",
    phone="",
    address="",
    matter="",
    received="2026-03-02 10:00",
    title="",
):
    return [ext, title, content, kind, urgency, channel, name, phone, address, matter, received]


def write_csv(path, rows, *, encoding="utf-8", header=HEADER):
    with open(path, "w", newline="", encoding=encoding) as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def counts():
    return (
        Case.objects.count(),
        Requester.objects.count(),
        Appeal.objects.count(),
        CaseEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def run(path, **kw):
    return import_appeals(path, source=kw.pop("source", "upstream"), now=kw.pop("now", NOW), **kw)


def test_csv_import_writes_cases_appeals_events_and_one_audit_entry_per_batch(tmp_path, org, people):
    matter = fa.matter(name="路灯照明", category="市政设施")
    rows = [
        row(
            "U-1",
            phone="13800138001",
            address="东湖街道幸福路1号",
            matter=matter.code,
            received="2026-03-02 10:00",
        ),
        row("U-2", kind="咨询", channel="网站", phone="020-83838383", received="2026/03/02 11:30"),
        row(
            "U-3",
            kind="help",
            urgency="紧急",
            channel="app",
            phone="(0755)12345678",
            received="2026-10-01T10:30",
        ),
        row("U-4", kind="建议", title="建议增设公交站", received="2026年3月3日 09:00"),
        row("U-5", channel="", phone="+86 13800138005", received=""),
    ]
    path = write_csv(tmp_path / "appeals.csv", rows)
    before_audit = AuditEntry.objects.count()
    result = run(path, actor=people.admin, batch_size=2)
    assert (result.created, result.existing, result.rejected) == (5, 0, [])
    # numbered in received order: U-1, U-2, U-4 (3 Mar), U-3 (1 Oct), U-5 (no time: now)
    assert result.numbers == [f"SQ-2026-{n:06d}" for n in range(1, 6)]
    by_ext = {c.external_id: c for c in Case.objects.select_related("appeal", "requester")}
    assert [by_ext[e].number for e in ("U-1", "U-2", "U-4", "U-3", "U-5")] == result.numbers

    u1 = by_ext["U-1"]
    assert (u1.source, u1.channel, u1.state, u1.owner_unit, u1.title) == (
        "upstream",
        "hotline",
        "registered",
        org.centre,
        "小区路灯不亮，晚上出行不便。",
    )
    assert (u1.appeal.appeal_type, u1.appeal.urgency, u1.appeal.matter, u1.appeal.category) == (
        "complaint",
        "normal",
        matter,
        "市政设施",
    )
    assert u1.appeal.place == org.street_a and len(u1.appeal.query_code) == 6
    assert (u1.requester.name, u1.requester.phone, u1.requester.address) == (
        "李四",
        "13800138001",
        "东湖街道幸福路1号",
    )
    assert u1.received_at == at(2026, 3, 2, 10) and u1.due_at.astimezone(fa.SH) == at(2026, 3, 23, 23, 59, 59)

    assert (by_ext["U-2"].appeal.appeal_type, by_ext["U-2"].channel) == ("consultation", "web")
    assert by_ext["U-2"].due_at.astimezone(fa.SH) == at(2026, 3, 4, 23, 59, 59)
    u3 = by_ext["U-3"]
    assert (u3.appeal.appeal_type, u3.appeal.urgency, u3.requester.phone) == (
        "help",
        "urgent",
        "075512345678",
    )
    assert u3.due_at.astimezone(fa.SH) == at(2026, 10, 2, 10, 30)
    assert by_ext["U-4"].title == "建议增设公交站" and by_ext["U-4"].appeal.appeal_type == "suggestion"
    assert by_ext["U-5"].received_at == NOW and by_ext["U-5"].channel == "import"
    assert by_ext["U-5"].requester.phone == "13800138005"

    created = CaseEvent.objects.get(case=u1, kind="appeal.created")
    assert (created.actor, created.at, created.unit, created.to_state) == (
        people.admin,
        NOW,
        org.centre,
        "registered",
    )
    assert created.details == {
        "channel": "hotline",
        "source": "upstream",
        "appeal_type": "complaint",
        "urgency": "normal",
        "imported": True,
        "row": 2,
    }
    entries = AuditEntry.objects.filter(action="appeal.imported").order_by("seq")
    assert AuditEntry.objects.count() == before_audit + 3
    assert [(e.details["count"], e.details["first"], e.details["last"]) for e in entries] == [
        (2, "SQ-2026-000001", "SQ-2026-000002"),
        (2, "SQ-2026-000003", "SQ-2026-000004"),
        (1, "SQ-2026-000005", "SQ-2026-000005"),
    ]
    assert entries[0].actor == people.admin.username and entries[0].target == "upstream"


@pytest.mark.parametrize(
    ("kind", "urgency", "received"),
    [
        ("complaint", "normal", at(2026, 9, 24, 10)),  # across Mid-Autumn and National Day
        ("consultation", "normal", at(2026, 4, 3, 23, 59, 30)),  # late on a day before Qingming
        ("help", "normal", at(2026, 2, 13, 0, 0)),  # midnight, before a make-up Saturday
        ("report", "urgent", at(2026, 10, 1, 10, 30)),  # 24 natural hours
        ("suggestion", "normal", at(2026, 12, 28, 9)),  # into 2027, unknown: provisional
    ],
)
def test_deadlines_and_clock_match_intake(tmp_path, org, people, kind, urgency, received):
    typed, _ = services.intake(
        actor=people.agent,
        now=received,
        raw={"content": "噪音扰民", "appeal_type": kind, "urgency": urgency, "phone": "13800138000"},
    )
    # a second row the same day, so the per-day deadline is reused, not computed afresh
    early = received.replace(hour=0, minute=0, second=0)
    run(
        write_csv(
            tmp_path / "a.csv",
            [
                row(
                    "X0", "噪音扰民", kind=kind, urgency=urgency, received=early.strftime("%Y-%m-%d %H:%M:%S")
                ),
                row(
                    "X",
                    "噪音扰民",
                    kind=kind,
                    urgency=urgency,
                    received=received.strftime("%Y-%m-%d %H:%M:%S"),
                ),
            ],
        ),
        now=at(2026, 12, 31, 12),
    )
    imported = Case.objects.get(external_id="X")
    assert (imported.due_at, imported.warn_at, imported.due_provisional, imported.clock_state) == (
        typed.due_at,
        typed.warn_at,
        typed.due_provisional,
        typed.clock_state,
    )
    assert imported.clock == typed.clock
    assert imported.due_provisional is (kind == "suggestion")


def test_ids_are_never_reused(tmp_path, org, people):
    gone = fa.appeal(people.agent, when=at(2026, 3, 2, 9))
    gone_id = gone.pk
    Appeal.objects.filter(pk=gone_id).delete()
    Case.objects.filter(pk=gone_id).delete()
    run(write_csv(tmp_path / "a.csv", [row("D-1")]))
    assert Case.objects.get(external_id="D-1").pk > gone_id
    assert fa.appeal(people.agent, when=at(2026, 3, 3, 9)).pk > Case.objects.get(external_id="D-1").pk


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, org, encoding):
    path = write_csv(
        tmp_path / "a.csv", [row("E-1", "龙岗区坂田街道噪音扰民", name="欧阳娜娜")], encoding=encoding
    )
    assert run(path).created == 1
    case = Case.objects.get(external_id="E-1")
    assert case.body == "龙岗区坂田街道噪音扰民" and case.requester.name == "欧阳娜娜"


def test_xlsx_with_typed_cells(tmp_path, org):
    rows = [
        row("X-1", phone=13800138000, received=datetime(2026, 3, 2, 10, 0)),  # a number and a date cell
        row(
            1002, phone=13800138001.0, received=46083.5
        ),  # numbers as Excel writes them; 46083.5 = 2 Mar 2026 12:00
        row("X-3", kind="举报", received="2026-03-02 10:00:00"),
    ]
    result = run(write_xlsx(tmp_path / "a.xlsx", rows))
    assert (result.created, result.rejected) == (3, [])
    assert Case.objects.get(external_id="X-1").requester.phone == "13800138000"
    second = Case.objects.get(external_id="1002")
    assert second.requester.phone == "13800138001" and second.received_at == at(2026, 3, 2, 12)
    assert Case.objects.get(external_id="X-3").appeal.appeal_type == "report"


def test_bad_rows_are_rejected_with_row_number_and_reason(tmp_path, org):
    rows = [
        row("OK-1", phone="13800138000"),
        row("B-1", content=""),
        row("B-2", phone="123"),
        row("B-3", phone="1380013800a"),
        row("B-4", matter="NOPE-404"),
        row("B-5", kind="吐槽"),
        row("B-6", received="2099-01-01 10:00"),
        row("B-7", received="上周三"),
        row("", content="没有外部编号"),
        row("OK-1", content="重复的外部编号"),
        row("B-8", content="字" * 5001),
        row("OK-2", urgency="紧急", channel="小程序"),
    ]
    before = counts()
    result = run(write_csv(tmp_path / "a.csv", rows))
    assert result.created == 2
    reasons = {r.row: (r.external_id, r.reason) for r in result.rejected}
    assert reasons == {
        3: ("B-1", "诉求内容不能为空"),
        4: ("B-2", "电话号码格式不正确（应为 11 位手机号或带区号的固定电话）"),
        5: ("B-3", "电话号码格式不正确（应为 11 位手机号或带区号的固定电话）"),
        6: ("B-4", "事项编码不存在：NOPE-404"),
        7: ("B-5", "诉求类型无效"),
        8: ("B-6", "受理时间不能晚于当前时间"),
        9: ("B-7", "受理时间“上周三”无法识别，应为如 2026-03-02 10:00 的格式"),
        10: ("", "外部编号不能为空"),
        11: ("OK-1", "外部编号与第2行重复"),
        12: ("B-8", "诉求内容过长（最多 5000 字）"),
    }
    assert counts()[0] == before[0] + 2
    assert set(Case.objects.values_list("external_id", flat=True)) == {"OK-1", "OK-2"}
    assert Case.objects.get(external_id="OK-2").channel == "miniprogram"

    report = tmp_path / "rejects.csv"
    imports.write_rejects(result.rejected, report)
    assert report.read_bytes().startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0] == ["行号", "外部编号", "原因"] and lines[1] == ["3", "B-1", "诉求内容不能为空"]
    assert len(lines) == 11


def test_import_is_idempotent_by_source_and_external_id(tmp_path, org):
    path = write_csv(tmp_path / "a.csv", [row(f"I-{i}") for i in range(5)])
    assert run(path).created == 5
    before = counts()
    again = run(path)
    assert (again.created, again.existing) == (0, 5)
    assert counts() == before
    # a larger file that overlaps: only the new rows are added
    more = run(write_csv(tmp_path / "b.csv", [row(f"I-{i}") for i in range(8)]), batch_size=3)
    assert (more.created, more.existing) == (3, 5)
    # the same ids from another source are other appeals
    assert run(path, source="grid").created == 5
    assert Case.objects.count() == 13


def test_numbers_continue_the_counter_shared_with_intake(tmp_path, org, people):
    first = fa.appeal(people.agent, when=at(2026, 3, 2, 9))
    result = run(
        write_csv(
            tmp_path / "a.csv",
            [
                row("N-1", received="2026-03-05 10:00"),
                row("N-2", received="2025-12-31 23:00"),
                row("N-3", received="2026-03-04 10:00"),
            ],
        )
    )
    assert first.number == "SQ-2026-000001"
    assert result.numbers == ["SQ-2025-000001", "SQ-2026-000002", "SQ-2026-000003"]
    assert Case.objects.get(external_id="N-1").number == "SQ-2026-000003"
    later = fa.appeal(people.agent, when=at(2026, 3, 6, 9))
    assert later.number == "SQ-2026-000004"
    assert Counter.objects.get(key="SQ", year=2026).value == 4


@pytest.mark.django_db
def test_reserve_numbers_takes_a_block():
    assert reserve_numbers(prefix="SQ", year=2030, count=1000) == 1
    assert reserve_numbers(prefix="SQ", year=2030, count=5) == 1001
    assert reserve_numbers(prefix="SQ", year=2031, count=2) == 1
    assert Counter.objects.get(key="SQ", year=2030).value == 1005


def test_repeats_are_linked_in_received_order(tmp_path, org, people):
    matter = fa.matter(name="噪音扰民")
    earlier = fa.appeal(people.agent, when=at(2026, 3, 1, 9), phone="13700000000")
    rows = [
        row("R-3", phone="13900000000", received="2026-03-20 10:00"),  # repeats R-1 (earlier in time)
        row("R-1", phone="13900000000", received="2026-03-02 10:00"),
        row("R-2", phone="13700000000", received="2026-03-03 10:00"),  # repeats the appeal typed in
        row("R-4", phone="13900000000", received="2026-05-20 10:00"),  # too late for R-3
        row(
            "P-1",
            phone="13600000001",
            address="东湖街道幸福路1号",
            matter=matter.code,
            received="2026-03-02 10:00",
        ),
        row(
            "P-2",
            phone="13600000002",
            address="东湖街道幸福路1号",
            matter=matter.code,
            received="2026-03-09 10:00",
        ),
        row(
            "P-3",
            phone="13600000003",
            address="东湖街道幸福路9号",
            matter=matter.code,
            received="2026-03-09 11:00",
        ),
    ]
    run(write_csv(tmp_path / "a.csv", rows), batch_size=2)
    repeat_of = {
        c.external_id: (c.appeal.repeat_of.external_id if c.appeal.repeat_of else None)
        for c in Case.objects.exclude(external_id="").select_related("appeal__repeat_of")
    }
    assert repeat_of == {
        "R-1": None,
        "R-3": "R-1",
        "R-4": None,
        "R-2": "",
        "P-1": None,
        "P-2": "P-1",
        "P-3": None,
    }
    assert Appeal.objects.get(case__external_id="R-2").repeat_of == earlier
    event = CaseEvent.objects.get(case__external_id="R-3", kind="appeal.repeat_linked")
    assert event.details == {"repeat_of": Case.objects.get(external_id="R-1").number}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "文件为空"),
        ("blank.csv", b"\n\n , ,\n", "文件为空"),
        ("header-only.csv", "外部编号,内容\n".encode(), "没有数据行"),
        ("wrong.csv", "编号,诉求内容\n1,路灯不亮\n".encode(), "缺少必需的列：外部编号、内容"),
        ("extra.csv", "外部编号,内容,备注\n1,路灯不亮,无\n".encode(), "无法识别的列：备注"),
        ("twice.csv", "外部编号,内容,内容\n1,a,b\n".encode(), "列重复：内容"),
        ("photo.png", b"\x89PNG\r\n\x1a\n0000", "不支持的文件类型"),
        ("binary.csv", b"\x00\x01\x02garbage\x00", "不是文本格式"),
        ("broken.xlsx", b"PK\x03\x04 this is not really a zip", "无法读取 XLSX 文件"),
        ("latin1.csv", "外部编号,内容\n".encode() + b"1,\xff\xfe\xfa\n", "无法识别文件编码"),
    ],
)
def test_malformed_files_write_nothing(tmp_path, org, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    with pytest.raises(ImportFileError) as info:
        run(path)
    assert message in info.value.message
    assert counts() == before


def test_missing_file_and_bad_source(tmp_path, org):
    with pytest.raises(ImportFileError, match="文件不存在"):
        run(tmp_path / "nope.csv")
    path = write_csv(tmp_path / "a.csv", [row("S-1")])
    with pytest.raises(ImportFileError, match="来源系统标识"):
        run(path, source="")
    with pytest.raises(ImportFileError, match="来源系统标识"):
        run(path, source="x" * 41)


def test_no_centre_unit_writes_nothing(tmp_path, db):
    from fazhi.cases.errors import GuardRefused

    with pytest.raises(GuardRefused, match="受理中心"):
        run(write_csv(tmp_path / "a.csv", [row("C-1")]))
    assert Case.objects.count() == 0


def test_progress_bar_goes_to_stderr(tmp_path, org, capsys):
    run(write_csv(tmp_path / "a.csv", [row(f"P-{i}") for i in range(3)]), progress=True)
    captured = capsys.readouterr()
    assert "导入诉求" in captured.err and "3/3" in captured.err and captured.out == ""


def test_command(tmp_path, org, people, capsys):
    path = write_xlsx(tmp_path / "a.xlsx", [row("C-1"), row("C-2", phone="123"), row("C-3")])
    report = tmp_path / "rejects.csv"
    call_command(
        "import_appeals",
        str(path),
        "--source",
        "sys-a",
        "--rejects",
        str(report),
        "--no-progress",
        "--actor",
        "centre_admin",
    )
    captured = capsys.readouterr()
    assert "新增 2 件" in captured.out and "拒绝 1 行" in captured.out
    assert "第3行（C-2）：电话号码格式不正确" in captured.err
    assert report.read_text(encoding="utf-8-sig").splitlines()[1].startswith("3,C-2,电话号码格式不正确")
    assert set(Case.objects.filter(source="sys-a").values_list("external_id", flat=True)) == {"C-1", "C-3"}
    assert AuditEntry.objects.get(action="appeal.imported").actor == "centre_admin"

    call_command("import_appeals", str(path), "--source", "sys-a", "--no-progress")
    assert "已导入过（跳过）2 件" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text("编号,诉求\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="导入失败，未写入任何数据：第1行（表头）有误"):
        call_command("import_appeals", str(bad), "--no-progress")
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("import_appeals", str(path), "--actor", "nobody")


def test_imported_appeals_count_in_the_kpis(tmp_path, org):
    from fazhi.appeals import kpis

    run(write_csv(tmp_path / "a.csv", [row(f"K-{i}", received=f"2026-03-0{i + 2} 10:00") for i in range(3)]))
    figures = kpis.compute(kpis.KpiFilter(start=at(2026, 3, 1), end=at(2026, 4, 1), now=at(2026, 3, 10)))
    assert (figures["received"], figures["dispatched"], figures["open_overdue"]) == (3, 0, 0)


def test_a_row_registered_meanwhile_is_skipped_not_duplicated(tmp_path, org, people, monkeypatch):
    """Another writer registers one of the file's external ids between the check and the insert:
    the batch rolls back whole and goes in again without that row."""
    real = writer.centre_unit

    def centre_after_a_racing_resend():
        services.intake(
            actor=people.agent,
            now=NOW,
            raw={
                "content": "同时经接口登记",
                "phone": fa.phone(),
                "source": "upstream",
                "external_id": "M-2",
            },
        )
        return real()

    monkeypatch.setattr(writer, "centre_unit", centre_after_a_racing_resend)
    result = run(
        write_csv(
            tmp_path / "a.csv",
            [
                row("M-1", phone="13900000001"),
                row("M-2"),
                row("M-3", phone="13900000001", received="2026-03-03 10:00"),
            ],
        )
    )
    assert (result.created, result.existing) == (2, 1)
    assert Case.objects.get(source="upstream", external_id="M-2").body == "同时经接口登记"
    assert result.numbers == ["SQ-2026-000002", "SQ-2026-000003"]
    # the repeat link made in the rolled-back attempt was undone and made again
    m3 = Case.objects.get(external_id="M-3")
    assert m3.appeal.repeat_of == Case.objects.get(external_id="M-1")
    assert Requester.objects.count() == Case.objects.count()


def test_imported_fact_rows_equal_their_derivation_from_the_events(tmp_path, org, people):
    """The import writes each new appeal's KPI fact row directly (facts.fresh_row); refresh(),
    the definition, must find nothing to change."""
    from fazhi.appeals import facts
    from fazhi.appeals.models import AppealFact

    fa.matter(name="路灯照明", code="L01", category="市政设施")
    rows = [row("F1", phone="13800000001", matter="L01"), row("F2", phone="13800000001"),
            row("F3", kind="咨询", urgency="紧急", channel="网站"), row("F4", address="东湖街道幸福路1号")]
    run(write_csv(tmp_path / "f.csv", rows))
    imported = list(AppealFact.objects.order_by("pk").values())
    assert len(imported) == 4 and sum(r["repeat"] for r in imported) == 1
    assert {r["category"] for r in imported} == {"市政设施", ""}
    facts.refresh([r["case_id"] for r in imported])
    assert list(AppealFact.objects.order_by("pk").values()) == imported
