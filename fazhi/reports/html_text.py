"""Extract the report body from a saved government web page.

Government sites wrap a report in navigation, breadcrumbs, share widgets, QR codes, "related
policies" lists and print/close links. The stdlib HTML parser is enough: we drop whole
elements that are never content (scripts, nav, footers, elements whose class or id says
share/nav/footer…), keep block structure as line breaks, and let ``clean_text`` remove the
boilerplate lines that survive as plain text. If the page marks a main content container
(TRS_Editor, article, content…), only that container is kept.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIP_TAGS = {
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "template",
    "head",
}
BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "td",
    "th",
}
VOID_TAGS = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
BOILERPLATE_ATTR = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumb|share|fenxiang|bdshare|footer|foot|header|sidebar|"
    r"toolbar|related|relevant|xgwz|xgzc|qrcode|ewm|erweima|print|dayin|close|guanbi|copyright|pager|"
    r"position|location|weizhi)($|[\s_-])",
    re.IGNORECASE,
)
CONTENT_ATTR = re.compile(
    r"(TRS_Editor|article-?content|news_?content|zoom|^content$|main-?content|con_?text)", re.IGNORECASE
)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.content_parts: list[str] = []
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipping, in_content)
        self.skip_depth = 0
        self.content_depth = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        attr_text = " ".join(v or "" for k, v in attrs if k in {"class", "id"})
        if tag in VOID_TAGS:
            if tag == "br":
                self._emit("\n")
            return
        skip = tag in SKIP_TAGS or bool(attr_text and BOILERPLATE_ATTR.search(attr_text))
        content = bool(attr_text and CONTENT_ATTR.search(attr_text))
        self.stack.append((tag, skip, content))
        self.skip_depth += skip
        self.content_depth += content
        if tag in BLOCK_TAGS:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in VOID_TAGS:
            return
        # Pop up to the matching tag; tolerate unclosed inner tags as browsers do.
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for _, skip, content in self.stack[i:]:
                    self.skip_depth -= skip
                    self.content_depth -= content
                del self.stack[i:]
                break
        if tag in BLOCK_TAGS:
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        self._emit(data)

    def _emit(self, data: str) -> None:
        if self.skip_depth:
            return
        self.parts.append(data)
        if self.content_depth:
            self.content_parts.append(data)


def _squash(parts: list[str]) -> str:
    text = "".join(parts)
    text = re.sub(r"[ \t\r\f\v\u00a0]*\n[ \t\r\f\v\u00a0\n]*", "\n", text)
    return text.strip()


def html_to_text(html: str) -> str:
    """Visible body text of a page, one block per line, boilerplate elements removed."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    content = _squash(parser.content_parts)
    body = _squash(parser.parts)
    # Trust a marked content container only when it holds most of the page's text; some sites
    # put class="content" on a small teaser box.
    return content if content and len(content) >= 0.5 * len(body) else body
