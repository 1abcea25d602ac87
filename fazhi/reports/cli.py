"""``fazhi reports …`` — analyse and compare annual rule-of-law reports from the shell.

Outside checks call ``fazhi reports analyze FILE --json`` and read one JSON object from
stdout, so that output is a contract: it always has ``required_parts`` (each part with
``found`` and ``sections``), ``indicators``, ``shortcomings`` and ``plans``. Unreadable input
exits with status 2 and a Chinese message on stderr, never a traceback.

``fazhi reports build --unit CODE --year YYYY`` is the one subcommand that needs the database:
it builds the unit's annual report draft from the records (build.py), configuring Django only
then, so ``analyze`` and ``compare`` still start fast and run without a configured project.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from .loaders import ReportLoadError
from .parts import PART_LABELS, REQUIRED_PARTS

PRE_QUALIFIERS = {"超", "近", "约", "不到"}
STATUS_ZH = {"found": "有", "found_inline": "无专节（正文中提及）", "missing": "缺失"}
FOLLOW_ZH = {
    "rectified": "已整改",
    "repeated": "今年仍列为问题",
    "addressed": "有所提及",
    "dropped": "未提及",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's default prints English usage; keep exit 2
        self.print_usage(sys.stderr)
        print(f"参数错误: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fazhi reports", description="法治政府建设年度报告分析")
    sub = parser.add_subparsers(dest="command", required=True)
    analyze = sub.add_parser("analyze", help="分析一份报告（txt/docx/pdf/html）")
    analyze.add_argument("file")
    analyze.add_argument("--json", action="store_true", help="输出 JSON")
    analyze.add_argument("--text", action="store_true", help="JSON 中包含清洗后的全文")
    compare = sub.add_parser("compare", help="对照上一年度报告：问题整改跟踪与雷同段落")
    compare.add_argument("old")
    compare.add_argument("new")
    compare.add_argument("--json", action="store_true", help="输出 JSON")
    compare.add_argument("--min-chars", type=int, default=20, help="雷同段落最少字数（默认 20）")
    build = sub.add_parser("build", help="由平台记录生成单位的法治政府建设年度报告草稿")
    build.add_argument("--unit", required=True, help="单位编码")
    build.add_argument("--year", required=True, type=int, help="报告年度")
    build.add_argument("--docx", metavar="OUT", help="导出 Word 草稿到该文件")
    build.add_argument("--json", action="store_true", help="输出 JSON")
    build.add_argument("--own-only", action="store_true", help="只统计本单位，不含下级单位")
    return parser


def _build_summary(draft) -> str:
    lines = [draft.title, f"统计范围：{draft.scope_label}", ""]
    for part in draft.parts:
        lines.append(f"【{part.heading}】")
        lines.extend(f"  （请填写）{p}" for p in part.prompts)
        for block in part.blocks:
            lines.append(f"  {block.title}：{block.paragraph}")
            for f in block.figures:
                lines.append(f"    - {f.label}：{f.display}  来源：{f.source}")
            lines.extend(f"    注意：{note}" for note in block.notes)
    return "\n".join(lines)


def _build(args) -> int:
    """Build the draft; an unknown unit or year is a user error (exit 2), never a traceback."""
    from fazhi.cli import setup_django

    setup_django()
    from fazhi.core import audit
    from fazhi.core.models import OrgUnit

    from .build import build_report
    from .build_docx import render_docx

    if not 2000 <= args.year <= 2100:
        print(f"错误：年度 {args.year} 不在 2000–2100 之间", file=sys.stderr)
        return 2
    unit = OrgUnit.objects.filter(code=args.unit).first()
    if unit is None:
        print(f"错误：未找到编码为“{args.unit}”的单位", file=sys.stderr)
        return 2
    draft = build_report(unit, args.year, include_sub_units=not args.own_only)
    if args.docx:
        try:
            with open(args.docx, "wb") as out:
                out.write(render_docx(draft))
        except OSError as exc:
            print(f"错误：无法写入 {args.docx}：{exc.strerror or exc}", file=sys.stderr)
            return 2
        audit.record(
            action="report.draft_exported",
            target=f"report_build:{unit.code}{'' if args.own_only else '+'}",
            details={"year": args.year, "format": "docx", "via": "cli", "figures": len(draft.figures())},
        )
    if args.json:
        _print_json(draft.to_dict())
    elif not args.docx:
        print(_build_summary(draft))
    else:
        print(f"已生成 {args.docx}（{len(draft.figures())} 个数字）")
    return 0


def _print_json(data: dict) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _summary(analysis) -> str:
    meta = analysis.metadata
    lines = [
        f"单位：{meta.unit or '未识别'}    年度：{meta.year or '未识别'}    sha256：{meta.sha256[:12]}…",
        "",
    ]
    lines.append("【必备内容】")
    for part in (*REQUIRED_PARTS, "rectification"):
        status = analysis.parts[part]
        data = status.to_dict()
        where = "；".join(data["sections"])
        if data["found_inline"]:
            where = f"见“{data['found_inline']['section']}”：{data['found_inline']['excerpt']}"
        lines.append(f"  {PART_LABELS[part]}：{STATUS_ZH[status.status]}{('  ' + where) if where else ''}")
    lines.append("")
    lines.append(f"【数据指标】共 {len(analysis.indicators)} 项")
    for row in analysis.indicators:
        before = row.qualifier if row.qualifier in PRE_QUALIFIERS else ""
        after = row.qualifier if row.qualifier and not before else ""
        change = ""
        if row.change:
            arrow = "↑" if row.change.direction == "up" else "↓"
            change = f"（{row.change.basis}{arrow}{row.change.value}{row.change.unit}）"
        code = f" [{row.label}]" if row.label else ""
        lines.append(f"  {row.year or ''} {row.name}：{before}{row.value}{after}{row.unit}{change}{code}")
    for title, rows in (
        ("存在问题", analysis.shortcomings),
        ("上年问题整改", analysis.rectifications),
        ("下一年度安排", analysis.plans),
    ):
        lines.append("")
        lines.append(f"【{title}】共 {len(rows)} 条")
        for i, row in enumerate(rows, 1):
            lines.append(f"  {i}. {row.title}")
    return "\n".join(lines)


def _compare_summary(comparison) -> str:
    data = comparison.to_dict()
    lines = [
        f"上一年度：{data['old']['unit']} {data['old']['year']}    本年度：{data['new']['unit']} {data['new']['year']}",
        "",
    ]
    lines.append("【上年问题跟踪】")
    for row in comparison.follow_up:
        lines.append(f"  - {row.shortcoming}：{FOLLOW_ZH[row.status]}（相似度 {row.confidence:.2f}）")
        if row.best_sentence and row.status != "dropped":
            lines.append(f"      “{row.best_sentence[:60]}”  —— {row.section}")
    bp = data["boilerplate"]
    lines.append("")
    lines.append(f"【雷同内容】相同段落 {len(bp['passages'])} 处，占本年度正文 {bp['copied_share']:.1%}")
    for passage in bp["passages"][:20]:
        lines.append(f"  · {passage['text'][:70]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from .analysis import analyze_file, compare_reports

    args = build_parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "analyze":
            analysis = analyze_file(args.file)
            if args.json:
                _print_json(analysis.to_dict(include_text=args.text))
            else:
                print(_summary(analysis))
            return 0
        old, new = analyze_file(args.old), analyze_file(args.new)
        comparison = compare_reports(old, new, min_chars=args.min_chars)
        if args.json:
            _print_json(comparison.to_dict())
        else:
            print(_compare_summary(comparison))
        return 0
    except ReportLoadError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Output piped into `head`: stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
