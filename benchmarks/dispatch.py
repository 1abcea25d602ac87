"""Dispatch model benchmark on the public appeals data (train + tokenised extra -> dev).

    .venv/bin/python benchmarks/dispatch.py            # both runs, table + PNG
    .venv/bin/python benchmarks/dispatch.py --api-only # skip the CLI run

Run 1 trains through the Python API; run 2 is the outside check's form: one mixed CSV
(tokenised rows in 留言详情 with an empty 留言主题) given to `fazhi dispatch evaluate --json` in a
fresh process. Writes benchmarks/out/dispatch_curve.png (auto-dispatch curve and reliability
diagram) and benchmarks/out/dispatch.json. Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fazhi.dispatch.data import DataError, appeals_dir, public_training_records  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
ROWS = [
    ("accuracy", "top-1 accuracy", "{:.4f}"),
    ("macro_f1", "macro-F1", "{:.4f}"),
    ("top3_accuracy", "top-3 accuracy", "{:.4f}"),
    ("auto_coverage_at_97", "auto coverage @97% (CV threshold)", "{:.4f}"),
    ("auto_accuracy_at_97", "  accuracy of those", "{:.4f}"),
    ("auto_coverage_at_99", "auto coverage @99% (CV threshold)", "{:.4f}"),
    ("auto_accuracy_at_99", "  accuracy of those", "{:.4f}"),
    ("oracle_coverage_at_97", "oracle coverage @97% (dev-chosen)", "{:.4f}"),
    ("oracle_coverage_at_99", "oracle coverage @99% (dev-chosen)", "{:.4f}"),
    ("ece", "ECE (10 bins)", "{:.4f}"),
    ("p50_ms", "single predict p50 (ms)", "{:.2f}"),
    ("p99_ms", "single predict p99 (ms)", "{:.2f}"),
    ("throughput_per_s", "predict_many throughput (/s)", "{:.0f}"),
    ("train_seconds", "train time (s)", "{:.1f}"),
    ("n_train", "training rows", "{}"),
    ("n_test", "test rows", "{}"),
]


def run_api(records: list[dict], dev: list[dict]) -> tuple[dict, object, object]:
    from fazhi.dispatch import evaluate, train
    from fazhi.dispatch.cli import latency, summary
    from fazhi.dispatch.training import record_texts

    model = train(records, label_field="一级标签", progress=lambda m: print(f"  [api] {m}", file=sys.stderr))
    evaluation = evaluate(model, dev)
    texts, _ = record_texts(dev)
    return summary(model, evaluation, latency(model, texts)), model, evaluation


def run_cli(records: list[dict]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        train_csv = Path(tmp) / "train_mixed.csv"
        with train_csv.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(
                fh, fieldnames=["留言主题", "留言详情", "一级标签"], extrasaction="ignore"
            )
            writer.writeheader()
            writer.writerows(records)
        cmd = [
            str(Path(sys.executable).with_name("fazhi")),
            "dispatch", "evaluate", "--train", str(train_csv), "--test", str(appeals_dir() / "dev.csv"),
            "--text-columns", "留言主题,留言详情", "--label-column", "一级标签", "--json",
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"CLI run failed ({done.returncode}):\n{done.stderr}")
        return json.loads(done.stdout)


def plot(model, evaluation, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    curve = [p for p in evaluation.curve if p["accuracy"] is not None]
    left.plot([p["coverage"] for p in curve], [p["accuracy"] for p in curve], marker=".", label="dev")
    cv = model.curve
    left.plot(cv["coverage"], cv["accuracy"], alpha=0.6, label="cross-validated training rows")
    for target, colour in (("0.97", "tab:orange"), ("0.99", "tab:red")):
        auto = evaluation.auto[target]
        if auto["accuracy"] is not None:
            left.scatter(
                [auto["coverage"]],
                [auto["accuracy"]],
                color=colour,
                zorder=3,
                label=f"CV threshold for {target}: t={auto['threshold']:.3f}",
            )
        left.axhline(float(target), color=colour, linestyle=":", linewidth=1)
    left.set(
        xlabel="coverage (share auto-dispatched)",
        ylabel="accuracy of auto-dispatched",
        title="Auto-dispatch curve",
        xlim=(0, 1.01),
        ylim=(0.85, 1.005),
    )
    left.legend(fontsize=8, loc="lower left")
    bins = [b for b in evaluation.reliability if b["count"]]
    right.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
    right.plot([b["mean_confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o")
    for b in bins:
        right.annotate(
            str(b["count"]),
            (b["mean_confidence"], b["accuracy"]),
            fontsize=7,
            textcoords="offset points",
            xytext=(4, -10),
        )
    right.set(
        xlabel="mean confidence",
        ylabel="accuracy",
        title=f"Reliability (dev), ECE={evaluation.ece:.3f}",
        xlim=(0, 1),
        ylim=(0, 1.02),
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--api-only", action="store_true", help="skip the CLI (mixed CSV) run")
    args = parser.parse_args()
    try:
        records, dev = public_training_records()
    except DataError as exc:
        print(f"跳过：没有公开数据 / skipped: public appeals data not available ({exc})")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(
        f"training rows: {len(records)} (train.csv + tokenised extra), dev rows: {len(dev)}", file=sys.stderr
    )
    api, model, evaluation = run_api(records, dev)
    results = {"api": api}
    if not args.api_only:
        print("  [cli] fazhi dispatch evaluate --json (mixed CSV, fresh process)", file=sys.stderr)
        results["cli"] = run_cli(records)
    plot(model, evaluation, OUT / "dispatch_curve.png")
    (OUT / "dispatch.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")

    names = list(results)
    print(f"\n{'metric (dev.csv, 550 appeals)':<38}" + "".join(f"{n:>12}" for n in names))
    for key, label, fmt in ROWS:
        cells = [results[n].get(key) for n in names]
        print(f"{label:<38}" + "".join(f"{'—' if c is None else fmt.format(c):>12}" for c in cells))
    print(
        f"\nthresholds chosen on held-out training folds: 97% -> {api['threshold_at_97']}, 99% -> {api['threshold_at_99']}"
    )
    print(f"model {api['model_version']}; wrote {OUT / 'dispatch_curve.png'} and {OUT / 'dispatch.json'}")
    print(f"benchmark wall time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
