"""Build DOCX, PDF and web-page versions of a report text inside a test's tmp_path."""

from __future__ import annotations

import html
from pathlib import Path


def make_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))
    return path


def make_pdf(text: str, path: Path) -> Path:
    """A real PDF with a Chinese text layer: reportlab's built-in CID font STSong-Light, wrapped lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, leading, margin = "STSong-Light", 10.5, 16, 56
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    y = height - margin

    def emit(line: str, gap: float) -> None:
        nonlocal y
        if y < margin:
            pdf.showPage()
            y = height - margin
        pdf.setFont(font, size)
        pdf.drawString(margin, y, line)
        y -= gap

    for paragraph in text.split("\n"):
        line = ""
        for char in paragraph:
            if pdfmetrics.stringWidth(line + char, font, size) > width - 2 * margin:
                emit(line, leading)
                line = char
            else:
                line += char
        emit(line, leading * 1.5)
    pdf.save()
    return path


def make_html(text: str, title: str, *, content_class: str = "TRS_Editor") -> str:
    """A government web page around the report: nav, breadcrumb, share, QR, related links, footer."""
    paragraphs = "\n".join(f"<p style='text-indent:2em'>{html.escape(line)}</p>" for line in text.split("\n"))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_政府在线</title>
<script>var _hmt = _hmt || []; document.write("统计代码 2024");</script>
<style>.x {{ color: red }}</style></head><body>
<div class="header"><a href="/">首页</a> <a>政务公开</a> <a>政务服务</a></div>
<nav><ul><li>首页</li><li>新闻中心</li><li>政务公开</li></ul></nav>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 法治政府建设</div>
<div class="article">
<h1>{html.escape(title)}</h1>
<div class="info">时间:2025-03-01 来源:本网 【字体：大 中 小】</div>
<div class="bdshare"><a>分享到：</a><a>微信</a><a>微博</a></div>
<div class="{content_class}">{paragraphs}</div>
<div class="print-close"><a>【打印本页】</a><a>【关闭窗口】</a></div>
<div class="qrcode">扫一扫在手机打开当前页</div>
<div class="related"><h3>相关政策法规/解读</h3><ul><li><a>关于2023年度考核的通知</a></li></ul></div>
</div>
<div class="footer">版权所有：某区人民政府 网站标识码4403050001 粤ICP备12345678号</div>
</body></html>"""
