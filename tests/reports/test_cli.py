"""`fazhi reports …`: the JSON contract used by outside checks, and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from fazhi.cli import main as fazhi_main
from fazhi.reports.cli import main

from .conftest import seed_path

PARTS = ("measures", "shortcomings", "leader_duties", "plans", "other")


def test_analyze_json(capsys):
    assert main(["analyze", str(seed_path("000")), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"required_parts", "indicators", "shortcomings", "plans"} <= set(data)
    for part in PARTS:
        assert isinstance(data["required_parts"][part]["found"], bool)
        assert isinstance(data["required_parts"][part]["sections"], list)
    assert data["required_parts"]["leader_duties"]["found_inline"]["sentence"]
    row = next(r for r in data["indicators"] if r["value"] == 166739)
    assert (row["name"], row["normalized_name"], row["unit"], row["qualifier"], row["year"]) == (
        "受理诉求事件",
        "appeals_received",
        "宗",
        None,
        2024,
    )
    assert {"name", "normalized_name", "value", "qualifier", "unit", "sentence"} <= set(row)
    assert len(data["shortcomings"]) == 3 and all(s["text"] for s in data["shortcomings"])


def test_top_level_command_delegates(capsys):
    assert fazhi_main(["reports", "analyze", str(seed_path("003")), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["required_parts"]["rectification"]["found"] is True


def test_analyze_summary_in_chinese(capsys):
    assert main(["analyze", str(seed_path("003"))]) == 0
    out = capsys.readouterr().out
    assert "必备内容" in out and "数据指标" in out and "超500家" in out and "800余件" in out


def test_missing_file_exits_2(capsys, tmp_path):
    assert main(["analyze", str(tmp_path / "none.txt"), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "文件不存在" in captured.err


def test_garbage_binary_exits_2(capsys, tmp_path):
    for name, data in (
        ("garbage.txt", os.urandom(4096)),
        ("garbage.pdf", os.urandom(4096)),
        ("garbage.docx", os.urandom(4096)),
        ("noise.txt", bytes(range(128, 256)) * 20),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert main(["analyze", str(path), "--json"]) == 2, name
        assert "错误" in capsys.readouterr().err


def test_unsupported_extension_exits_2(capsys, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04")
    assert main(["analyze", str(path)]) == 2
    assert "不支持" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys):
    try:
        main(["analyze"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "参数错误" in capsys.readouterr().err


def test_compare_json(capsys):
    assert main(["compare", str(seed_path("004")), str(seed_path("000")), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["follow_up"]) == 2
    assert {"shortcoming", "best_sentence", "confidence", "status"} <= set(data["follow_up"][0])
    assert {"copied_share", "passages", "sections"} <= set(data["boilerplate"])
    assert main(["compare", str(seed_path("004")), str(seed_path("000"))]) == 0
    assert "上年问题跟踪" in capsys.readouterr().out


def test_import_does_not_pull_in_django():
    code = "import sys, fazhi.reports, fazhi.reports.cli; sys.exit('django' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_console_script_exit_code(tmp_path):
    fazhi = os.path.join(os.path.dirname(sys.executable), "fazhi")
    if not os.path.exists(fazhi):
        return
    result = subprocess.run(
        [fazhi, "reports", "analyze", str(tmp_path / "x.txt"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "文件不存在" in result.stderr and result.stdout == ""
