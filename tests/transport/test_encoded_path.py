"""The transport's percent-encoding check of request paths (a character class, escapes checked
only when there is a ``%``) gives the verdict of the plain RFC 3986 grammar it replaced."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit._http.transport import is_encoded_path

#: The grammar itself, one alternation per character: the reference.
_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*")

# Path characters, the escape's parts and their near misses: hex digits and non-hex letters,
# "%" itself, what must be encoded (space, ?, #, non-ASCII, a line break).
_ALPHABET = st.sampled_from([*"aZ09-._~!$&'()*+,;=:@/%%%fFgG? #\n\té€[]", "%2", "%2F", "%zz", "%%"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_ALPHABET, max_size=12).map("".join))
def test_agrees_with_the_grammar(path: str) -> None:
    assert is_encoded_path(path) is (_REFERENCE.fullmatch(path) is not None)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=20))
def test_agrees_with_the_grammar_on_any_text(path: str) -> None:
    assert is_encoded_path(path) is (_REFERENCE.fullmatch(path) is not None)


@pytest.mark.parametrize(
    ("path", "verdict"),
    [
        ("invoices/6578278e879ad2646715ba9c", True),
        ("crm/invoice/7.json", True),
        ("contacts/a%2Fb", True),
        ("", True),
        ("a%", False),
        ("a%2", False),
        ("a%zz", False),
        ("a b", False),
        ("a?b", False),
        ("a#b", False),
        ("café", False),
        ("a\n", False),
    ],
)
def test_examples(path: str, verdict: bool) -> None:
    assert is_encoded_path(path) is verdict
