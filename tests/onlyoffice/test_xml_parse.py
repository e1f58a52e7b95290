"""parse_xml: plain documents take ElementTree's C parser, everything else defusedxml's verdict."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from unittest import mock

import defusedxml.ElementTree
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicekit.onlyoffice import xml_reader
from invoicekit.onlyoffice.errors import BodyError
from invoicekit.onlyoffice.xml_reader import parse_xml

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><result>&lol2;</result>'
)


def _tree(element: ET.Element) -> Any:
    return (element.tag, element.attrib, element.text, element.tail, [_tree(child) for child in element])


def _defused(body: bytes) -> Any:
    try:
        return _tree(defusedxml.ElementTree.fromstring(body, forbid_dtd=True))
    except Exception:
        return "refused"


def _ours(body: bytes) -> Any:
    try:
        return _tree(parse_xml(body))
    except BodyError:
        return "refused"


def test_a_plain_document_skips_the_guarded_parser() -> None:
    body = b'<?xml version="1.0" encoding="utf-8"?><result><status>0</status><response><id>7</id></response></result>'
    with mock.patch.object(defusedxml.ElementTree, "fromstring", side_effect=AssertionError("not plain?")):
        root = parse_xml(body)
    assert root.findtext("response/id") == "7"


@pytest.mark.parametrize("body", [
    LAUGHS.encode(),  # entity expansion
    '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + LAUGHS.split("?>", 1)[1].encode("utf-16-le"),
    b'<?xml version="1.0" encoding="cp500"?>' + LAUGHS.split("?>", 1)[1].encode("cp500"),  # "<!" hidden
    b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><result>&x;</result>',  # external entity
    b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x">%p;]><result/>',  # parameter entity
])
def test_documents_with_a_dtd_are_refused_in_any_encoding(body: bytes) -> None:
    with pytest.raises(BodyError):
        parse_xml(body)


@pytest.mark.parametrize("body", [
    b"<result><!-- a comment --><status>0</status></result>",
    b"<result><text><![CDATA[a < b & c]]></text></result>",
    b"\xef\xbb\xbf<result><status>0</status></result>",
    "<result><t>Müller</t></result>".encode("latin-1"),
    b'<?xml version="1.0" encoding="ISO-8859-1"?><result><t>M\xfcller</t></result>',
    b"<result><t>&lt;&amp;&#233;</t></result>",
])
def test_other_documents_parse_exactly_as_defusedxml_parses_them(body: bytes) -> None:
    assert _ours(body) == _defused(body)


def test_an_undefined_entity_is_an_error_not_an_expansion() -> None:
    with pytest.raises(BodyError):
        parse_xml(b"<result>&lol;</result>")


_names = st.sampled_from(["result", "response", "id", "status", "invoiceLines", "a", "b"])
_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_fragments = st.lists(
    st.one_of(
        _names.map(lambda n: f"<{n}>"), _names.map(lambda n: f"</{n}>"), _names.map(lambda n: f"<{n}/>"),
        _texts,
        st.sampled_from(["&amp;", "&lt;", "&#x41;", "&bogus;", "<!--c-->", "<![CDATA[x]]>", "<!DOCTYPE result>"]),
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(_fragments, st.sampled_from([
    "", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>', "<?xml version='1.0' encoding='latin-1'?>",
    '<?xml version="1.0" encoding="cp500"?>', "\ufeff",
]))
def test_any_document_gets_the_same_tree_or_refusal_as_defusedxml(fragments: list[str], declaration: str) -> None:
    body = (declaration + "<result>" + "".join(fragments) + "</result>").encode("utf-8", "surrogatepass")
    assert _ours(body) == _defused(body)


def test_the_check_looks_at_decoded_text() -> None:
    assert xml_reader._markup_free_text(b"<result/>") == "<result/>"
    assert xml_reader._markup_free_text(b"<result><!--x--></result>") is None
    assert xml_reader._markup_free_text("<result/>".encode("utf-16")) is None
    assert xml_reader._markup_free_text(b'<?xml version="1.0" encoding="cp500"?><result/>') is None
    assert xml_reader._markup_free_text(b'<?xml version="1.0" encoding="UTF-8"?><result/>') is not None


@pytest.mark.parametrize("body", [
    '<?xml version="1.0" encoding="utf8"?><result><t>é</t></result>'.encode(),  # pyexpat knows no "utf8"
    b'<?xml version="1.0" encoding="bogus-8"?><result/>',  # an encoding nobody knows
])
def test_declarations_defusedxml_refuses_are_refused(body: bytes) -> None:
    assert _defused(body) == "refused"
    with pytest.raises(BodyError):
        parse_xml(body)
