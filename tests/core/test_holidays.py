"""Loading a year's holiday schedule: the service, the file parser, the command, the cache."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from fazhi.core import calendar
from fazhi.core.holidays import import_schedule, parse_schedule_file
from fazhi.core.models import Holiday, HolidayYear
from fazhi.core.signals import holidays_changed

pytestmark = pytest.mark.django_db

# An illustrative 2027 schedule: the real one is published in late 2026.
ROWS_2027 = [
    (date(2027, 1, 1), False, "元旦"),
    (date(2027, 2, 6), False, "春节"),
    (date(2027, 2, 7), False, "春节"),
    (date(2027, 2, 8), False, "春节"),
    (date(2027, 2, 9), False, "春节"),
    (date(2027, 2, 10), False, "春节"),
    (date(2027, 2, 11), False, "春节"),
    (date(2027, 2, 12), False, "春节"),
    (date(2027, 2, 13), False, "春节"),
    (date(2027, 2, 20), True, "春节"),
]


@pytest.fixture(autouse=True)
def fresh_calendar():
    # Each test's rows are rolled back, but the process-wide cache would outlive them.
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def sent():
    calls = []

    def listener(sender, **kwargs):
        calls.append(kwargs["years"])

    holidays_changed.connect(listener, weak=False)
    yield calls
    holidays_changed.disconnect(listener)


# -- the service -------------------------------------------------------------------------------
def test_import_makes_2027_firm(django_capture_on_commit_callbacks, sent):
    before = calendar.get_calendar().add_working_days(date(2027, 2, 3), 3)
    assert before.provisional and before.date == date(2027, 2, 8)

    with django_capture_on_commit_callbacks(execute=True):
        count = import_schedule(year=2027, rows=ROWS_2027, actor="tester", note="测试用安排")

    assert count == 10
    assert Holiday.objects.filter(date__year=2027).count() == 10
    assert HolidayYear.objects.get(year=2027).note == "测试用安排"
    after = calendar.get_calendar().add_working_days(date(2027, 2, 3), 3)
    assert not after.provisional
    assert after.date == date(2027, 2, 15)  # Thu 4, Fri 5, Spring Festival 6–13, Sun 14, Mon 15
    assert sent == [[2027]]


def test_get_calendar_is_cached_until_invalidated():
    first = calendar.get_calendar()
    assert calendar.get_calendar() is first
    calendar.invalidate()
    assert calendar.get_calendar() is not first


def test_saving_a_row_in_the_admin_drops_the_cache_and_announces(django_capture_on_commit_callbacks, sent):
    cached = calendar.get_calendar()
    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(date=date(2026, 3, 3), is_workday=False, name="临时休假")
    fresh = calendar.get_calendar()
    assert fresh is not cached
    assert not fresh.is_working_day(date(2026, 3, 3))
    assert sent == [[2026]]


def test_import_replaces_only_that_year():
    Holiday.objects.create(date=date(2027, 3, 1), is_workday=False, name="旧记录")
    Holiday.objects.create(date=date(2026, 3, 3), is_workday=False, name="别的年份")
    import_schedule(year=2027, rows=ROWS_2027, actor=None)
    assert not Holiday.objects.filter(date=date(2027, 3, 1)).exists()
    assert Holiday.objects.filter(date=date(2026, 3, 3)).exists()
    import_schedule(year=2027, rows=ROWS_2027[:2], actor=None)  # a corrected schedule
    assert Holiday.objects.filter(date__year=2027).count() == 2
    assert HolidayYear.objects.filter(year=2027).count() == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([*ROWS_2027, (date(2026, 12, 31), False, "元旦")], "第11条：日期2026-12-31不在2027年内"),
        ([*ROWS_2027, (date(2027, 1, 1), False, "元旦")], "第11条：日期2027-01-01与第1条重复"),
        ([(date(2027, 1, 1), False, "长" * 51)], "第1条：名称过长"),
        ([("2027-01-01", False, "元旦")], "第1条：日期“2027-01-01”无效"),
        ([], "未提供2027年的任何节假日"),
    ],
)
def test_a_bad_row_saves_nothing(rows, message, sent):
    with pytest.raises(ValidationError) as raised:
        import_schedule(year=2027, rows=rows, actor=None)
    assert any(m.startswith(message) for m in raised.value.messages), raised.value.messages
    assert not Holiday.objects.exists()
    assert not HolidayYear.objects.exists()
    assert sent == []


def test_import_is_audited():
    audit = pytest.importorskip("fazhi.core.audit")
    import_schedule(year=2027, rows=ROWS_2027, actor="admin", note="国办发明电")
    entry = audit.AuditEntry.objects.get(action="holidays.imported")
    assert entry.target == "holidays:2027"
    assert entry.details["holidays"] == 9 and entry.details["workdays"] == 1


# -- files -------------------------------------------------------------------------------------
CSV_TEXT = "日期,类型,名称\n2027-01-01,假日,元旦\n2027/2/6,假日,春节\n2027年2月20日,调休上班,春节\n\n"


def test_parse_csv_utf8_with_bom_and_gbk(tmp_path):
    expected = [
        (date(2027, 1, 1), False, "元旦"),
        (date(2027, 2, 6), False, "春节"),
        (date(2027, 2, 20), True, "春节"),
    ]
    utf8 = tmp_path / "2027.csv"
    utf8.write_bytes(CSV_TEXT.encode("utf-8-sig"))
    assert parse_schedule_file(utf8) == expected
    gbk = tmp_path / "2027-gbk.csv"
    gbk.write_bytes(CSV_TEXT.encode("gbk"))
    assert parse_schedule_file(gbk, year=2027) == expected


def test_parse_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "日期", "类型"])  # columns found by header, in any order
    sheet.append(["元旦", date(2027, 1, 1), "假日"])
    sheet.append(["春节", "2027-02-20", "调休上班"])
    path = tmp_path / "2027.xlsx"
    book.save(path)
    assert parse_schedule_file(path) == [(date(2027, 1, 1), False, "元旦"), (date(2027, 2, 20), True, "春节")]


def test_parse_errors_name_the_spreadsheet_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "日期,类型,名称\n2027-01-01,假日,元旦\n2027-13-01,假日,x\n2027-01-02,休息,y\n2026-05-01,假日,z\n"
    )
    with pytest.raises(ValidationError) as raised:
        parse_schedule_file(path, year=2027)
    messages = raised.value.messages
    assert any(m.startswith("第3行：日期“2027-13-01”无法识别") for m in messages)
    assert any(m.startswith("第4行：类型“休息”无效") for m in messages)

    path.write_text("日期,类型,名称\n2027-01-01,假日,元旦\n2027-01-01,假日,元旦\n2026-05-01,假日,z\n")
    with pytest.raises(ValidationError) as raised:
        parse_schedule_file(path, year=2027)
    assert raised.value.messages == ["第3行：日期2027-01-01与第2行重复", "第4行：日期2026-05-01不在2027年内"]


def test_parse_refuses_missing_columns_and_other_formats(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("date,kind\n2027-01-01,假日\n")
    with pytest.raises(ValidationError, match="缺少列：日期、类型"):
        parse_schedule_file(path)
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        parse_schedule_file(tmp_path / "x.txt")


# -- the command -------------------------------------------------------------------------------
def test_command_imports_a_file(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    call_command("import_holidays", str(path), "--year", "2027", "--note", "测试")
    assert Holiday.objects.filter(date__year=2027).count() == 3
    assert HolidayYear.objects.filter(year=2027, note="测试").exists()
    assert "已导入2027年节假日安排3条（假日2天，调休上班1天）" in capsys.readouterr().out


def test_command_reports_errors_and_saves_nothing(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    with pytest.raises(CommandError, match="不在2026年内"):
        call_command("import_holidays", str(path), "--year", "2026")
    assert not Holiday.objects.exists()
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_holidays", str(tmp_path / "missing.csv"), "--year", "2027")
