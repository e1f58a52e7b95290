"""GoHighLevel's ``termsNotes`` is HTML; the neutral ``terms`` is plain text.

GoHighLevel's invoice editor writes terms as HTML paragraphs (the spec's example is
``<p>This is a default terms.</p>``) and renders whatever the field holds as HTML. So:

- reading (:func:`terms_text`): paragraphs and other blocks are lines, ``<br>`` a line break,
  entities are unescaped, every tag is dropped (the markup stays in ``invoice.raw``); text
  outside any tag keeps its own line breaks, so terms stored as plain text read as they are;
  whitespace-only text between blocks (the indentation of pretty-printed markup) is layout;
- writing (:func:`terms_html`): each line becomes a paragraph the way the editor writes one,
  with ``&``, ``<`` and ``>`` escaped, so that what is written reads back exactly (and shows
  as written in GoHighLevel, line breaks included).

Reading runs on every decoded invoice, and the field holds whatever anyone stored, so it uses
its own small tokenizer rather than :class:`html.parser.HTMLParser`: that one takes quadratic
time and worse on unfinished markup (``"<a" * n``) and raises on some (``<![foo[x]]>``). This
one reads left to right once and never raises: markup it cannot finish is read as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from html import escape, unescape

from .._serde import read_text

__all__ = ["terms_html", "terms_text"]

# Elements that start a line of their own (what a browser lays out as blocks in terms notes).
_BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table",
    "section", "article", "header", "footer",
})
_HIDDEN = frozenset({"script", "style", "head", "title"})
# Elements whose content is raw text up to their end tag (a "<" in a script is no markup).
_RAW_TEXT_END = {name: re.compile(f"</{name}", re.IGNORECASE) for name in ("script", "style")}

_TEXT, _START, _END = "text", "start", "end"
_TAG_NAME = re.compile(r"[^\t\n\r\f />\x00]*+")  # after its first letter, as HTMLParser reads it
# The rest of a tag up to its ">": a quoted attribute value may hold ">". Possessive (*+), so a
# tag that never ends fails after one look to the end of the input, never by backtracking.
_TAG_REST = re.compile(r"""[^>"']*+(?:(?:"[^"]*+"|'[^']*+')[^>"']*+)*+>""")


class _Tokens:
    """The text and tags of an HTML fragment, read left to right in linear time.

    Comments, doctypes, processing instructions and ``<![...]>`` sections are dropped up to
    their end, as a browser drops them. Markup that is still unfinished at the end of the input
    (``a<b then``, ``x<!-- c``) is text, so no search looks at the same text twice over: each
    starts where the last one ended, or fails and leaves only text behind. ``scanned`` counts the
    characters the searches looked at, which stays within a small multiple of the input's length.
    """

    def __init__(self, html: str) -> None:
        self.html = html
        self.scanned = 0

    def _find(self, needle: str, start: int) -> int:
        found = self.html.find(needle, start)
        self.scanned += (len(self.html) if found < 0 else found + len(needle)) - start
        return found

    def _match(self, pattern: re.Pattern[str], start: int) -> re.Match[str] | None:
        match = pattern.match(self.html, start)
        self.scanned += (len(self.html) if match is None else match.end()) - start
        return match

    def __iter__(self) -> Iterator[tuple[str, str]]:
        html, end = self.html, len(self.html)
        text_from = search_from = 0
        while (lt := self._find("<", search_from)) >= 0:
            after, then = html[lt + 1:lt + 2], html[lt + 2:lt + 3]
            opening = after.isascii() and after.isalpha()
            closing = after == "/" and then.isascii() and then.isalpha()
            if not (opening or closing or after in ("!", "?", "/")):
                search_from = lt + 1  # a "<" that opens nothing ("a <- b", "x < 3") is text
                continue
            if lt > text_from:
                yield _TEXT, unescape(html[text_from:lt])
            text_from = lt
            if not (opening or closing):  # <!-- -->, <!doctype>, <?pi>, <![x[...]]>, </ x>
                comment = html.startswith("<!--", lt)
                close = self._find("-->", lt + 4) if comment else self._find(">", lt + 2)
                if close < 0:
                    break
                text_from = search_from = close + (3 if comment else 1)
                continue
            name_at = lt + 2 if closing else lt + 1
            name = self._match(_TAG_NAME, name_at + 1)
            rest = None if name is None else self._match(_TAG_REST, name.end())
            if name is None or rest is None:
                break
            tag = html[name_at:name.end()].lower()
            text_from = search_from = rest.end()
            if closing:
                yield _END, tag
                continue
            yield _START, tag
            if html.startswith("/>", text_from - 2):
                yield _END, tag  # <br/>, <p/>: opened and closed at once
            elif tag in _RAW_TEXT_END:
                raw_end = _RAW_TEXT_END[tag].search(html, text_from)
                self.scanned += (end if raw_end is None else raw_end.end()) - text_from
                text_from = search_from = end if raw_end is None else raw_end.start()
        if text_from < end:
            yield _TEXT, unescape(html[text_from:])  # text, or markup left unfinished at the end


class _Lines:
    """The lines of an HTML fragment's tokens, one per block or ``<br>``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._line: list[str] = []
        # For each open block, the number of lines before it: a block that ends without adding
        # one is an empty paragraph, an empty line (the editor's blank line, <p></p> or <p><br></p>).
        self._blocks: list[int] = []
        self._hidden = 0
        # Whitespace-only text at the start of a line waits for what follows: before text or an
        # inline tag it is text, as is a block's whole content (<p> </p>, a line of spaces); next
        # to a block boundary, or holding a line break (which no paragraph of ours holds), it is
        # layout, at any depth (<ul>\n<li>a</li>\n</ul>).
        self._pending = ""
        self._pending_is_content = False
        self._after_block_start = False

    def add(self, kind: str, value: str) -> None:
        if kind == _TEXT:
            self._text(value)
        elif kind == _START:
            self._start(value)
        else:
            self._end(value)

    def _end_line(self) -> None:
        self.lines.append("".join(self._line))
        self._line = []

    def _take_pending(self, keep: bool) -> None:
        if keep and self._pending:
            self._line.append(self._pending)
        self._pending = ""

    def _start(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self._take_pending(keep=False)
            if self._line:
                self._end_line()
            self._blocks.append(len(self.lines))
            self._after_block_start = True
            return
        else:
            self._take_pending(keep="\n" not in self._pending)
            if tag == "br":
                self._end_line()
        self._after_block_start = False

    def _end(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self._take_pending(keep=self._pending_is_content and "\n" not in self._pending)
            if self._blocks:
                lines_before = self._blocks.pop()
                if self._line or len(self.lines) == lines_before:
                    self._end_line()
        else:
            self._take_pending(keep="\n" not in self._pending)
        self._after_block_start = False

    def _text(self, data: str) -> None:
        if self._hidden:
            return
        if not self._line and data.isspace():
            if not self._pending:
                self._pending_is_content = self._after_block_start
            self._pending += data
            return
        self._take_pending(keep="\n" not in self._pending)
        self._line.append(data)
        self._after_block_start = False

    def close(self) -> None:
        self._take_pending(keep=False)
        if self._line:
            self._end_line()


_CACHED_UP_TO = 4096  # characters: terms this long or shorter are remembered, longer ones converted each time


def terms_text(html: str) -> str | None:
    """The plain text of a ``termsNotes`` value; None when it has none (see :func:`read_text`)."""
    if "<" not in html and "&" not in html:
        return read_text(html)
    return _converted(html) if len(html) <= _CACHED_UP_TO else _convert(html)


def _convert(html: str) -> str | None:
    lines = _Lines()
    for kind, value in _Tokens(html):
        lines.add(kind, value)
    lines.close()
    return read_text("\n".join(lines.lines))


_converted = lru_cache(maxsize=256)(_convert)  # invoices of one location mostly share their terms


def terms_html(text: str) -> str:
    """``termsNotes`` for plain-text terms: one ``<p>`` per line, text escaped ("" stays "")."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "".join(f"<p>{escape(line, quote=False)}</p>" for line in lines)
