"""Text normalisation applied identically at training and at prediction time.

Appeals arrive from web forms, WeChat, hotline transcripts and pasted documents, so the same
words show up in full-width or half-width forms, in traditional characters (Hong Kong / Taiwan
input methods, old templates), with stray whitespace, or as multi-page pastes. The classifier
should see one canonical form; otherwise each variant is a separate, rarer feature.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path

import numpy as np

# Enough to hold the subject and the core of the complaint: 99% of the public appeals are
# shorter than ~2,700 characters. Longer pastes are cut so that a single prediction stays
# within the latency budget; the head carries the subject, the tail often the actual request.
DEFAULT_MAX_CHARS = 3000
_TAIL_CHARS = 500

# Chinese punctuation that NFKC leaves alone, mapped to one ASCII form so that "。" and "." or
# "“" and '"' are the same feature.
_PUNCT = str.maketrans(
    {
        "。": ".",
        "｡": ".",
        "、": ",",
        "“": '"',
        "”": '"',
        "„": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
        "《": "<",
        "》": ">",
        "〈": "<",
        "〉": ">",
        "—": "-",
        "–": "-",
        "―": "-",
        "…": "...",
        "·": ".",
        "\u3000": " ",
        # Full-width ASCII (！ to ～), as NFKC would map them; see ``normalize``.
        **{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)},
    }
)
# Finds which of those characters a text holds. ``str.translate`` with a dict table looks up
# every character of the text (~50 us per appeal); replacing just the few distinct
# punctuation marks present gives the same string ~4x faster.
_PUNCT_CHARS = re.compile("[" + re.escape("".join(chr(k) for k in _PUNCT)) + "]")
_SPACES = re.compile(r"\s+")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Whitespace touching a CJK character carries no meaning in Chinese text; in pre-tokenised
# text (words separated by spaces) it is an artefact of the tokeniser. Same matches as
# ``(?<=[CJK])\s+|\s+(?=[CJK])``, but starting with ``\s`` lets the regex engine skip
# straight to whitespace instead of trying a look-behind at every character (5x faster).
_CJK_SPACE = re.compile(rf"\s(?:(?<=[{_CJK}]\s)\s*|\s*(?=[{_CJK}]))")

_zhconv_lock = threading.Lock()
# Code point -> "has a different simplified form" (a 1.1 MB lookup table, built on first use).
_traditional: np.ndarray | None = None


def _fold_punctuation(text: str) -> str:
    """``text.translate(_PUNCT)``, computed faster (see ``_PUNCT_CHARS``)."""
    for ch in set(_PUNCT_CHARS.findall(text)):
        text = text.replace(ch, _PUNCT[ord(ch)])
    return text


def _to_simplified(text: str) -> str:
    """Traditional -> simplified (mainland usage) with zhconv's MediaWiki tables.

    zhconv is pure Python (no native OpenCC build needed). Its maximal-forward-matching pass
    costs ~1 ms for a typical appeal, so texts with no character that has a simplified form
    (~97% of them) skip it; the check is a table lookup over the text's code points (~3 us;
    a set or a regex character class costs 50-500 us). The dictionary is loaded once, on
    first use, from an explicit path: zhconv's own loader leaves the file handle open.
    """
    global _traditional
    from zhconv import zhconv

    if _traditional is None:
        with _zhconv_lock:
            if _traditional is None:
                zhconv.loaddict(str(Path(zhconv.__file__).with_name("zhcdict.json")))
                table = zhconv.zhcdicts["zh2Hans"]
                flags = np.zeros(0x110000, dtype=bool)
                flags[[ord(k) for k, v in table.items() if len(k) == 1 and v != k]] = True
                _traditional = flags
    if not _traditional[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)].any():
        return text
    return zhconv.convert(text, "zh-cn")


def truncate(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Keep the head and the tail of an over-long text.

    The head has the subject and the place; the last lines of a long paste usually restate
    what is asked of the government, so both are kept rather than just the first N characters.
    """
    if max_chars <= 0 or len(text) <= max_chars:
        return text
    tail = min(_TAIL_CHARS, max_chars // 4)
    return text[: max_chars - tail - 1] + " " + text[len(text) - tail :]


def normalize(text: object, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return the canonical form of one appeal text.

    NFKC folds full-width letters, digits and most punctuation to half-width; the remaining
    Chinese punctuation is mapped by hand; traditional characters become simplified; ASCII is
    lower-cased; whitespace runs become one space. ``None`` and non-strings are accepted (CSV
    cells, JSON nulls) and give ``""`` or their ``str``.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    # Cut early (with slack for whitespace collapse) so that a 1 MB paste costs no more than
    # a normal message in the steps below.
    if max_chars > 0 and len(text) > 4 * max_chars:
        text = text[: 3 * max_chars] + " " + text[-max_chars:]
    # Mapping the common full-width forms first leaves most appeals already in NFKC form, and
    # checking that is ~300 times cheaper than normalising (0.2 us vs 60 us per appeal).
    text = _fold_punctuation(text)
    if not unicodedata.is_normalized("NFKC", text):
        text = _fold_punctuation(unicodedata.normalize("NFKC", text))
    text = _to_simplified(text).lower()
    text = _SPACES.sub(" ", text).strip()
    return truncate(text, max_chars=max_chars)


def compact(text: str) -> str:
    """Drop whitespace next to CJK characters (keeps ``"pm 2.5"`` but joins ``"路灯 杆"``).

    Makes the character n-grams of pre-tokenised training rows ("市 西湖 建筑") look like
    those of original text ("市西湖建筑").
    """
    return _CJK_SPACE.sub("", text)


def join_fields(values: list[object]) -> str:
    """Join several text fields (e.g. subject and detail) into one text.

    Empty fields are skipped. The whitespace separator disappears in ``compact`` between
    Chinese words, which is what we want: about 80% of the public appeals already arrive with
    subject and detail run together in one field, and both forms should give the same features.
    """
    parts = [str(v).strip() for v in values if v is not None and str(v).strip()]
    return "\n".join(parts)
