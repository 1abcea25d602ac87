"""Turn a submitted report file (txt, docx, pdf, saved web page) into clean plain text.

Units submit the same report in whatever form they have — the Word file, the PDF they
published, or the page saved from their website — and the review office must not see a
different analysis depending on the form. So every loader ends in ``clean_text``, which folds
full-width characters, drops web-page boilerplate and joins lines the same way, and the
content hash is taken over that cleaned text with all whitespace removed: the same report
imported twice, in any format, is recognised.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from .html_text import html_to_text

SUPPORTED = {".txt": "text", ".text": "text", ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}


class ReportLoadError(Exception):
    """A report that cannot be read; the message is Chinese because users read it."""


@dataclass(frozen=True)
class ReportMetadata:
    unit: str | None
    year: int | None
    sha256: str
    source_format: str
    filename: str | None = None
    published: str | None = None
    source: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class LoadedReport:
    text: str
    metadata: ReportMetadata

    def to_dict(self) -> dict:
        return {"text": self.text, "metadata": self.metadata.to_dict()}


# Lines that web pages and print views wrap around the report body.
BOILERPLATE_LINES = [
    r"扫一扫在手机(上)?打开当前页",
    r"相关(政策)?(法规|文件|链接|新闻|阅读)?(/|、)?(解读)?",
    r"(【)?(打印|关闭|打印本页|关闭窗口|返回顶部|收藏|分享到?[:：]?.*)(】)?",
    r"(【)?字体[:：]?\s*[大中小\s]+(】)?",
    r"(\[|【)?\s*(打印|关闭)\s*(\]|】)?(\s*(\[|【)?\s*(打印|关闭)\s*(\]|】)?)*",
    r"(首页|当前位置|您的位置|您现在的位置)\s*[:：>›].*",
    r"(版权所有|主办单位|承办单位|网站标识码|网站地图|联系我们|.*ICP备|.*公网安备).*",
    r"(上一篇|下一篇|上一条|下一条)[:：].*",
    r"(分享|微信|微博|QQ空间|二维码)(\s*(分享|微信|微博|QQ空间|二维码))*",
    r"(浏览|阅读|访问)(次数|量)[:：]?\s*\d*",
    r"附件[:：]?\s*",
]
BOILERPLATE_RE = re.compile("^(?:" + "|".join(BOILERPLATE_LINES) + r")\s*$")
# "时间:2024-12-31来源:南山区人民政府" — the web page's byline, kept as metadata.
BYLINE_RE = re.compile(
    r"^(?:发布)?(?:时间|日期)[:：]\s*(?P<date>[\d\-./年月日\s:]+?)\s*(?:来源[:：]\s*(?P<source>\S+?))?"
    r"(?:\s*(?:浏览|访问|字号|【|\[).*)?$"
)
CJK = r"\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"，。、；：？！“”‘’《》〔〕【】（）—…·"
SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \t]+|[ \t]+(?=[{CJK}{CJK_PUNCT}])")


def clean_text(raw: str) -> tuple[str, dict]:
    """Normalise text from any loader; return (text, byline metadata)."""
    text = unicodedata.normalize("NFKC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b-\u200f\ufeff\u00ad]", "", text)
    byline: dict = {}
    lines = []
    for line in text.split("\n"):
        line = SPACE_NEAR_CJK.sub("", re.sub(r"[ \t\u00a0]+", " ", line)).strip()
        if not line or BOILERPLATE_RE.match(line):
            continue
        match = BYLINE_RE.match(line)
        if match:
            if not byline:
                byline = {"published": match.group("date").strip(), "source": match.group("source")}
            continue
        lines.append(line)
    return "\n".join(lines), byline


def content_hash(text: str) -> str:
    """sha256 over the cleaned text without whitespace, so line wrapping does not matter."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; refuse binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise ReportLoadError("文件不是文本文件（含有二进制内容），无法读取")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise ReportLoadError("无法识别文件编码（支持 UTF-8 和 GB18030），或文件不是文本")


def _looks_like_text(text: str) -> bool:
    if not text.strip():
        return False
    controls = sum(1 for c in text if unicodedata.category(c) in {"Cc", "Co", "Cn"} and c not in "\n\r\t")
    return controls / len(text) < 0.01


def read_text_file(path: Path) -> str:
    """A text file; hard-wrapped text (copied from a PDF) is joined back into paragraphs."""
    text = decode_bytes(path.read_bytes())
    lines = [line for line in text.splitlines() if line.strip()]
    long_lines = [line.strip() for line in lines if _display_width(line.strip()) >= 20]
    open_lines = [line for line in long_lines if not line.endswith(PARAGRAPH_END)]
    if len(open_lines) >= 5 and len(open_lines) >= 0.5 * len(long_lines):
        return join_wrapped_lines(lines)
    return text


def read_docx(path: Path) -> str:
    """Paragraphs and table rows of a Word file, one per line."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a main dependency
        raise ReportLoadError("缺少 python-docx，无法读取 Word 文件") from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise ReportLoadError("Word 文件已损坏或不是 .docx 格式，无法读取") from exc
    lines = _number_docx_headings(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


HEADING_MARKERS = (
    lambda n: f"{_cn(n)}、",
    lambda n: f"({_cn(n)})",
    lambda n: f"{n}.",
)


def _cn(n: int) -> str:
    from .numerals import int_to_chinese

    return int_to_chinese(n)


def _number_docx_headings(paragraphs) -> list[str]:
    """Give Word headings back the markers that automatic numbering kept out of the text.

    A heading styled "Heading 1"/"标题 1" whose number comes from Word's list numbering has no
    "一、" in its text, and the outline is built from markers; so such headings get 一、/(一)/1.
    by level. Headings that already carry a marker are left alone.
    """
    counters = [0, 0, 0]
    lines = []
    for paragraph in paragraphs:
        text = paragraph.text
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level_match = re.match(r"(?:Heading|标题)\s*(\d)", style)
        if level_match and text.strip() and not HEADING_START.match(text):
            level = int(level_match.group(1)) - 1
            if 0 <= level < len(counters):
                counters[level] += 1
                counters[level + 1 :] = [0] * (len(counters) - level - 1)
                text = HEADING_MARKERS[level](counters[level]) + text.strip()
        lines.append(text)
    return lines


def read_pdf(path: Path) -> str:
    """The PDF's text layer, with wrapped lines joined back into paragraphs."""
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - pypdf is a main dependency
        raise ReportLoadError("缺少 pypdf，无法读取 PDF 文件") from exc
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:
        raise ReportLoadError("PDF 文件已损坏或无法解析") from exc
    text = "\n".join(pages)
    if not re.search(f"[{CJK}]", text):
        raise ReportLoadError("PDF 没有可提取的文字层（可能是扫描件），请提供文字版或先做 OCR")
    return join_wrapped_lines(text.split("\n"))


HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、是]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．](?!\d))"
)
PARAGRAPH_END = tuple("。:：;；!！?？")


def _display_width(line: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in line)


def join_wrapped_lines(lines: list[str]) -> str:
    """Join the visual lines of a PDF page back into paragraphs.

    PDF text has no paragraphs, only lines. A line continues into the next unless it ends a
    sentence, is visibly shorter than a full line (a heading or a paragraph's last line), or the
    next line starts with a heading marker.
    """
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        return ""
    # A line is "short" only if it is short both on the page (display width, for PDFs) and in
    # characters (for text wrapped at a fixed count, where digits make a full line look narrow).
    widths = sorted(_display_width(line) for line in lines)
    lengths = sorted(len(line) for line in lines)
    pick = int(len(lines) * 0.9) if len(lines) > 3 else len(lines) - 1
    full, full_chars = widths[pick], lengths[pick]
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        current += line
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        short = _display_width(line) < 0.8 * full and len(line) < 0.8 * full_chars
        ends = line.endswith(PARAGRAPH_END) or short
        if not nxt or ends or HEADING_START.match(nxt):
            paragraphs.append(current)
            current = ""
    return "\n".join(paragraphs)


def read_html(path: Path) -> str:
    return html_to_text(decode_html(path.read_bytes()))


def decode_html(data: bytes) -> str:
    """Honour a declared charset (gb2312 pages are common), else fall back to detection."""
    head = data[:2048].decode("ascii", "ignore").lower()
    match = re.search(r"charset=[\"']?([a-z0-9_\-]+)", head)
    if match:
        name = match.group(1)
        if name in {"gb2312", "gbk"}:
            name = "gb18030"
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data)


def load_report(path: str | Path) -> LoadedReport:
    """Read a report file of any supported format; raise ReportLoadError with a Chinese message."""
    path = Path(path)
    if not path.exists():
        raise ReportLoadError(f"文件不存在：{path}")
    if not path.is_file():
        raise ReportLoadError(f"不是文件：{path}")
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise ReportLoadError(
            f"不支持的文件类型：{path.suffix or '(无扩展名)'}（支持 .txt .docx .pdf .html）"
        )
    try:
        raw = {"text": read_text_file, "docx": read_docx, "pdf": read_pdf, "html": read_html}[kind](path)
    except OSError as exc:
        raise ReportLoadError(f"无法读取文件：{path}（{exc.strerror or exc}）") from exc
    return load_text(raw, source_format=kind, filename=path.name)


def load_text(raw: str, *, source_format: str = "text", filename: str | None = None) -> LoadedReport:
    """Clean already-decoded text and guess its metadata."""
    from .metadata import guess_unit, guess_year

    text, byline = clean_text(raw)
    if len(re.findall(f"[{CJK}]", text)) < 20:
        raise ReportLoadError("文件中没有可识别的中文报告内容")
    metadata = ReportMetadata(
        unit=guess_unit(text, source=byline.get("source")),
        year=guess_year(text, published=byline.get("published")),
        sha256=content_hash(text),
        source_format=source_format,
        filename=filename,
        published=byline.get("published"),
        source=byline.get("source"),
    )
    return LoadedReport(text=text, metadata=metadata)
