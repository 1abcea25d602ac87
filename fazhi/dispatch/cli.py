"""`fazhi dispatch evaluate|train|predict` — the command-line contract used by outside checks.

stdout carries only the result (one JSON object with ``--json``); progress goes to stderr.
Bad input (missing file or column, empty file, unusable model file) exits with code 2 and a
bilingual message on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

DEFAULT_TEXT_COLUMNS = "留言主题,留言详情"
DEFAULT_LABEL_COLUMN = "一级标签"


def _columns(raw: str) -> list[str]:
    cols = [c.strip() for c in raw.split(",") if c.strip()]
    if not cols:
        raise argparse.ArgumentTypeError("至少需要一列文本 / at least one text column")
    return cols


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fazhi dispatch", description="智能分拨模型 / appeal dispatch model"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def data_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--train", required=True, help="训练集 CSV / training CSV (UTF-8, header row)")
        p.add_argument("--text-columns", type=_columns, default=_columns(DEFAULT_TEXT_COLUMNS))
        p.add_argument("--label-column", default=DEFAULT_LABEL_COLUMN)

    ev = sub.add_parser("evaluate", help="训练并评估 / train on TRAIN, evaluate on TEST")
    data_args(ev)
    ev.add_argument("--test", required=True, help="测试集 CSV / test CSV")
    ev.add_argument("--json", action="store_true", help="只输出一个 JSON 对象 / print one JSON object")
    ev.add_argument("--save", help="同时保存模型 / also save the trained model here")

    tr = sub.add_parser("train", help="训练并保存模型 / train and save a model")
    data_args(tr)
    tr.add_argument("--out", required=True, help="模型文件路径 / model file to write")

    pr = sub.add_parser("predict", help="预测一条诉求 / predict the category of one text")
    pr.add_argument("--model", required=True)
    pr.add_argument("-k", type=int, default=3)
    pr.add_argument("--explain", action="store_true", help="列出关键词 / list the deciding terms")
    pr.add_argument("--json", action="store_true")
    pr.add_argument("text", nargs="+")
    return parser


def _log(msg: str) -> None:
    print(f"[dispatch] {msg}", file=sys.stderr, flush=True)


def _train(args: argparse.Namespace):
    from fazhi.dispatch.data import read_csv
    from fazhi.dispatch.training import train

    rows = read_csv(args.train, required=[*args.text_columns, args.label_column])
    _log(f"training on {len(rows)} rows of {args.train}")
    return train(rows, label_field=args.label_column, text_fields=args.text_columns, progress=_log)


def latency(model: Any, texts: Sequence[str], *, max_calls: int = 5000) -> dict[str, float]:
    """p50/p99 of warm single ``predict`` calls and ``predict_many`` throughput."""
    sample = list(texts[:max_calls])
    for text in sample[:20]:  # warm-up: first-call imports and caches
        model.predict(text)
    times = []
    for text in sample:
        start = time.perf_counter()
        model.predict(text)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    model.predict_many(list(texts))
    batch = time.perf_counter() - start
    ms = np.array(times) * 1000 if times else np.zeros(1)
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "throughput_per_s": round(len(texts) / batch, 1) if batch > 0 else 0.0,
    }


def summary(model: Any, evaluation: Any, timing: dict[str, float]) -> dict[str, Any]:
    """The flat result object printed by ``evaluate --json``."""
    auto97, auto99 = evaluation.auto.get("0.97", {}), evaluation.auto.get("0.99", {})
    meta = model.metadata
    return {
        "accuracy": evaluation.accuracy,
        "macro_f1": evaluation.macro_f1,
        "top3_accuracy": evaluation.top3_accuracy,
        "auto_coverage_at_97": auto97.get("coverage"),
        "auto_accuracy_at_97": auto97.get("accuracy"),
        "threshold_at_97": auto97.get("threshold"),
        "auto_coverage_at_99": auto99.get("coverage"),
        "auto_accuracy_at_99": auto99.get("accuracy"),
        "threshold_at_99": auto99.get("threshold"),
        "oracle_coverage_at_97": evaluation.oracle_coverage.get("0.97"),
        "oracle_coverage_at_99": evaluation.oracle_coverage.get("0.99"),
        "ece": evaluation.ece,
        "train_seconds": meta.get("train_seconds"),
        **timing,
        "n_train": meta.get("n_train"),
        "n_test": evaluation.n,
        "model_version": model.version,
        "labels": evaluation.labels,
        "per_class": evaluation.per_class,
        "confusion": evaluation.confusion,
        "reliability": evaluation.reliability,
        "curve": evaluation.curve,
        "cv": {k: v for k, v in meta.get("cv", {}).items() if k != "reliability"},
    }


def _table(result: dict[str, Any]) -> str:
    pct = lambda v: "—" if v is None else f"{100 * v:.1f}%"  # noqa: E731
    lines = [
        f"测试集 / test set: {result['n_test']} 条, 训练集 / train: {result['n_train']} 条",
        f"准确率 accuracy           {pct(result['accuracy'])}",
        f"宏平均F1 macro-F1         {pct(result['macro_f1'])}",
        f"前三命中 top-3 accuracy   {pct(result['top3_accuracy'])}",
        f"自动分拨覆盖 coverage@97%  {pct(result['auto_coverage_at_97'])} (阈值 threshold {result['threshold_at_97']})",
        f"自动分拨覆盖 coverage@99%  {pct(result['auto_coverage_at_99'])} (阈值 threshold {result['threshold_at_99']})",
        f"校准误差 ECE              {result['ece']:.4f}",
        f"训练用时 train time       {result['train_seconds']} s",
        f"单条延迟 latency p50/p99  {result['p50_ms']} / {result['p99_ms']} ms",
        f"批量吞吐 throughput       {result['throughput_per_s']} 条/s",
        "",
        f"{'类别 label':<12}{'精确率 P':>10}{'召回率 R':>10}{'F1':>8}{'样本 n':>8}",
    ]
    for label, m in result["per_class"].items():
        lines.append(
            f"{label:<12}{pct(m['precision']):>10}{pct(m['recall']):>10}{pct(m['f1']):>8}{m['support']:>8}"
        )
    return "\n".join(lines)


def _evaluate(args: argparse.Namespace) -> int:
    from fazhi.dispatch.data import read_csv
    from fazhi.dispatch.evaluate import evaluate
    from fazhi.dispatch.training import record_texts

    test_rows = read_csv(args.test, required=[*args.text_columns, args.label_column])
    model = _train(args)
    if args.save:
        model.save(args.save)
    _log(f"evaluating on {len(test_rows)} rows of {args.test}")
    evaluation = evaluate(model, test_rows, label_field=args.label_column, text_fields=args.text_columns)
    texts, _ = record_texts(test_rows, label_field=args.label_column, text_fields=args.text_columns)
    result = summary(model, evaluation, latency(model, texts))
    print(json.dumps(result, ensure_ascii=False) if args.json else _table(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    from fazhi.dispatch.data import DataError
    from fazhi.dispatch.io import ModelFormatError

    parser = _parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        if args.command == "evaluate":
            return _evaluate(args)
        if args.command == "train":
            model = _train(args)
            path = model.save(args.out)
            _log(f"saved {model.version} to {path} (+ {path.name}.json)")
            print(
                json.dumps(
                    {"model": str(path), "version": model.version, **model.metadata["cv"]}, ensure_ascii=False
                )
            )
            return 0
        from fazhi.dispatch.io import load

        model = load(args.model)
        text = " ".join(args.text)
        out: dict[str, Any] = {
            "predictions": [
                {"label": lab, "probability": round(p, 4)} for lab, p in model.predict(text, k=args.k)
            ]
        }
        if args.explain:
            out["terms"] = [{"term": t, "weight": w} for t, w in model.explain(text)]
        if args.json:
            print(json.dumps(out, ensure_ascii=False))
        else:
            for item in out["predictions"]:
                print(f"{item['label']}\t{item['probability']:.4f}")
            if args.explain:
                print("关键词 / terms: " + "，".join(t["term"] for t in out["terms"]))
        return 0
    except (DataError, ModelFormatError, FileNotFoundError, ValueError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
