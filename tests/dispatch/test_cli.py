from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fazhi.cli import main as fazhi_main
from tests.dispatch.conftest import make_records, odd_records, write_csv

FAZHI = Path(sys.executable).with_name("fazhi")
KEYS = {
    "accuracy",
    "macro_f1",
    "top3_accuracy",
    "auto_coverage_at_97",
    "train_seconds",
    "p50_ms",
    "p99_ms",
    "throughput_per_s",
    "n_train",
    "n_test",
    "auto_coverage_at_99",
    "threshold_at_97",
    "per_class",
    "reliability",
}


@pytest.fixture(scope="module")
def csvs(tmp_path_factory):
    base = tmp_path_factory.mktemp("csv")
    train = write_csv(base / "train.csv", make_records(15) + odd_records())
    test = write_csv(base / "test.csv", make_records(5, seed=7), bom=False)
    return train, test, base


def evaluate_args(train, test, *extra):
    return [
        "dispatch",
        "evaluate",
        "--train",
        str(train),
        "--test",
        str(test),
        "--text-columns",
        "留言主题,留言详情",
        "--label-column",
        "一级标签",
        *extra,
    ]


def test_evaluate_json_prints_one_object(csvs, capsys):
    train, test, _ = csvs
    assert fazhi_main(evaluate_args(train, test, "--json")) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert KEYS <= set(result)
    assert result["n_test"] == 20 and result["n_train"] == 66
    assert result["accuracy"] >= 0.9
    assert "training on" in captured.err  # progress goes to stderr only


def test_evaluate_table(csvs, capsys):
    train, test, _ = csvs
    assert fazhi_main(evaluate_args(train, test)) == 0
    out = capsys.readouterr().out
    assert "准确率 accuracy" in out and "交通运输" in out


def test_missing_column_exits_2(csvs, capsys):
    train, test, _ = csvs
    assert fazhi_main(evaluate_args(train, test, "--label-column", "标签")) == 2
    err = capsys.readouterr().err
    assert "缺少列" in err and "lacks column" in err


def test_empty_and_missing_files_exit_2(csvs, capsys):
    train, test, base = csvs
    empty = base / "empty.csv"
    empty.write_text("", encoding="utf-8")
    header_only = write_csv(base / "header.csv", [])
    assert fazhi_main(evaluate_args(empty, test)) == 2
    assert "empty file" in capsys.readouterr().err
    assert fazhi_main(evaluate_args(train, header_only)) == 2
    assert "no data rows" in capsys.readouterr().err
    assert fazhi_main(evaluate_args(base / "nope.csv", test)) == 2
    assert "file not found" in capsys.readouterr().err


def test_usage_error_exits_2(capsys):
    assert fazhi_main(["dispatch", "evaluate", "--train", "x.csv"]) == 2


def test_train_then_predict(csvs, capsys, tmp_path):
    train, _, _ = csvs
    out = tmp_path / "m" / "dispatch.model"
    assert fazhi_main(["dispatch", "train", "--train", str(train), "--out", str(out)]) == 0
    assert out.exists() and out.with_name("dispatch.model.json").exists()
    capsys.readouterr()
    assert (
        fazhi_main(["dispatch", "predict", "--model", str(out), "--json", "--explain", "公交站台太远"]) == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["predictions"][0]["label"] == "交通运输" and result["terms"]
    assert fazhi_main(["dispatch", "predict", "--model", str(tmp_path / "none.model"), "x"]) == 2


def test_subprocess_happy_path_and_error(csvs):
    train, test, _ = csvs
    ok = subprocess.run(
        [str(FAZHI), *evaluate_args(train, test, "--json")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert KEYS <= set(json.loads(ok.stdout))
    bad = subprocess.run(
        [str(FAZHI), *evaluate_args(train, test, "--text-columns", "标题,内容")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and "标题" in bad.stderr and bad.stdout == ""
