"""Editable text templates of the disclosure letters, and the DOCX styling they are printed with.

The ``.txt`` files here are the shipped defaults. A unit that edits a letter stores its own copy
of the whole file (checked with ``markup.validate``) and passes it as ``template=`` to the render
functions of ``fazhi.disclosure.letters``; the defaults are never edited in place.
"""

from __future__ import annotations

from importlib import resources

TEMPLATE_NAMES = (
    "response_letter",
    "amendment_notice",
    "extension_notice",
    "third_party_consultation",
    "fee_notice",
)


def default_template(name: str) -> str:
    if name not in TEMPLATE_NAMES:
        raise KeyError(name)
    return resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
