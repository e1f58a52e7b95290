"""GoHighLevel's ``termsNotes`` is HTML; the neutral ``terms`` is plain text.

GoHighLevel's invoice editor writes terms as HTML paragraphs (the spec's example is
``<p>This is a default terms.</p>``) and renders whatever the field holds as HTML. So:

- reading (:func:`terms_text`): paragraphs and other blocks are lines, ``<br>`` a line break,
  entities are unescaped, every tag is dropped (the markup stays in ``invoice.raw``); text
  outside any tag keeps its own line breaks, so terms stored as plain text read as they are;
- writing (:func:`terms_html`): each line becomes a paragraph the way the editor writes one,
  with ``&``, ``<`` and ``>`` escaped, so that what is written reads back exactly (and shows
  as written in GoHighLevel, line breaks included).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from html.parser import HTMLParser

from .._serde import read_text

__all__ = ["terms_html", "terms_text"]

# Elements that start a line of their own (what a browser lays out as blocks in terms notes).
_BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "table",
    "section", "article", "header", "footer",
})
_HIDDEN = frozenset({"script", "style", "head", "title"})


class _TextOf(HTMLParser):
    """The lines of an HTML fragment, one per block or ``<br>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        # For each open block, the number of lines before it: a block that ends without adding
        # one is an empty paragraph, an empty line (the editor's blank line, <p></p> or <p><br></p>).
        self._blocks: list[int] = []
        self._hidden = 0

    def _end_line(self) -> None:
        self.lines.append("".join(self._line))
        self._line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self._end_line()
        elif tag in _BLOCKS:
            if self._line:
                self._end_line()
            self._blocks.append(len(self.lines))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS and self._blocks:
            lines_before = self._blocks.pop()
            if self._line or len(self.lines) == lines_before:
                self._end_line()

    def handle_data(self, data: str) -> None:
        # Whitespace between blocks is layout (a newline between </p> and <p>), not text.
        if self._hidden or (not self._blocks and not self._line and self.lines and data.isspace()):
            return
        self._line.append(data)

    def close(self) -> None:
        super().close()
        if self._line:
            self._end_line()


_CACHED_UP_TO = 4096  # characters: terms this long or shorter are remembered, longer ones converted each time


def terms_text(html: str) -> str | None:
    """The plain text of a ``termsNotes`` value; None when it has none (see :func:`read_text`)."""
    if "<" not in html and "&" not in html:
        return read_text(html)
    return _converted(html) if len(html) <= _CACHED_UP_TO else _convert(html)


def _convert(html: str) -> str | None:
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return read_text("\n".join(parser.lines))


_converted = lru_cache(maxsize=256)(_convert)  # invoices of one location mostly share their terms


def terms_html(text: str) -> str:
    """``termsNotes`` for plain-text terms: one ``<p>`` per line, text escaped ("" stays "")."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "".join(f"<p>{escape(line, quote=False)}</p>" for line in lines)
