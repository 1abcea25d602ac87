"""The small line markup of the editable letter templates.

Staff edit letters as plain text (in a textarea, or the shipped .txt files), not as DOCX: a text
template can be validated before it is saved, diffed and versioned, and cannot break the page
layout, fonts or numbering, which the code applies the same way to every letter. The markup:

- ``--- name ---`` starts a section (``letter`` is the frame; response letters add one section
  per outcome code). Blank lines and lines starting with ``;`` are ignored.
- One line is one paragraph. A leading mark sets its layout: ``#`` title, ``^`` centred, ``<``
  flush left (salutation), ``>`` right (signature, date); no mark is an indented body paragraph.
- ``{field}`` is replaced by a value; ``{field|default text}`` falls back to the default.
- ``[if field]`` / ``[if not field]`` before the mark keeps the line only when the field has (has
  not) a value.
- A line holding nothing but ``{field}`` whose value is a list becomes one paragraph per item
  (outcome paragraphs, amendment items).

Substitution is a regular expression, never ``str.format``: a template typed by staff must not be
able to reach attributes of the values it is given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext

SECTION = re.compile(r"^---\s*(\w+)\s*---$")
CONDITION = re.compile(r"^\[if (not )?(\w+)\]\s*")
FIELD = re.compile(r"\{(\w+)(?:\|([^{}]*))?\}")
ALIGNS = {"#": "title", "^": "center", "<": "left", ">": "right"}


@dataclass(frozen=True)
class Line:
    align: str  # title | center | left | right | body
    text: str


@dataclass(frozen=True)
class FieldSpec:
    name: str
    required: bool  # used on an unconditional line without a default
    default: str | None = None


class TemplateError(ValueError):
    """A template or its values cannot make a letter; the message is Chinese, for staff."""


def format_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def sections(text: str) -> dict[str, list[str]]:
    """Split a template into its sections of raw (unfilled) lines."""
    result: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        match = SECTION.match(line)
        if match:
            current = result.setdefault(match.group(1), [])
        elif current is None:
            raise TemplateError(
                gettext("模板第一个段落之前缺少“--- 名称 ---”分节标记：{line}").format(line=line)
            )
        else:
            current.append(line)
    return result


def _split(line: str) -> tuple[tuple[bool, str] | None, str, str]:
    condition = None
    match = CONDITION.match(line)
    if match:
        condition = (match.group(1) is None, match.group(2))
        line = line[match.end() :]
    align = "body"
    if line[:1] in ALIGNS:
        align, line = ALIGNS[line[0]], line[1:].strip()
    return condition, align, line


def _present(value: object) -> bool:
    if isinstance(value, list | tuple):
        return len(value) > 0
    return value is not None and value != ""


def _text(value: object) -> str:
    return format_date(value) if isinstance(value, date) else str(value)


def fill(lines: list[str], values: Mapping[str, object], *, strict: bool = True) -> list[Line]:
    """Fill the lines of one section. Missing required fields raise together, or show as 【待填写】."""
    out, missing = fill_lines(lines, values)
    if missing and strict:
        raise_missing(missing)
    return out


def raise_missing(missing: list[str]) -> None:
    raise TemplateError(
        gettext("模板字段缺少取值：{fields}").format(fields="、".join(dict.fromkeys(missing)))
    )


def fill_lines(lines: list[str], values: Mapping[str, object]) -> tuple[list[Line], list[str]]:
    """Fill without raising: the lines (gaps marked 【待填写：field】) and the names of missing fields."""
    out: list[Line] = []
    missing: list[str] = []
    for raw in lines:
        condition, align, body = _split(raw)
        if condition is not None and _present(values.get(condition[1])) != condition[0]:
            continue
        whole = FIELD.fullmatch(body)
        if whole and isinstance(values.get(whole.group(1)), list | tuple):
            for item in values[whole.group(1)]:
                out.append(item if isinstance(item, Line) else Line(align, _text(item)))
            continue

        def substitute(match: re.Match) -> str:
            name, default = match.group(1), match.group(2)
            if _present(values.get(name)):
                return _text(values[name])
            if default is not None:
                return default
            missing.append(name)
            return f"【待填写：{name}】"

        out.append(Line(align, FIELD.sub(substitute, body)))
    return out, missing


def field_specs(lines: list[str]) -> dict[str, FieldSpec]:
    """The fields a section uses, for a form that asks staff for them before rendering."""
    specs: dict[str, FieldSpec] = {}
    for raw in lines:
        condition, _align, body = _split(raw)
        if condition is not None:
            specs.setdefault(condition[1], FieldSpec(condition[1], False))
        for match in FIELD.finditer(body):
            name, default = match.group(1), match.group(2)
            required = condition is None and default is None
            old = specs.get(name)
            if old is None or (required and not old.required):
                specs[name] = FieldSpec(name, required, default if default is not None else None)
    return specs


def validate(text: str, *, required_sections: list[str]) -> list[str]:
    """Chinese problems with an edited template, for the admin form; empty when it is usable."""
    try:
        found = sections(text)
    except TemplateError as exc:
        return [str(exc)]
    problems = [
        gettext("缺少分节：{name}").format(name=name) for name in required_sections if name not in found
    ]
    for name, lines in found.items():
        for line in lines:
            leftover = FIELD.sub("", CONDITION.sub("", line))
            if "{" in leftover or "}" in leftover:
                problems.append(
                    gettext("分节 {name} 中花括号不成对或字段名无效：{line}").format(name=name, line=line)
                )
    return problems
