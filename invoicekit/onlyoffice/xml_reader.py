"""XML answers (``.xml`` paths) read into the same Python values as their JSON twins.

The server writes its XML by converting the JSON answer with Newtonsoft's XmlNodeConverter under a
root ``<result>``. That form loses list-ness (a one-element list looks like an object, an empty
list is no element at all), so the reader is told which names are lists. Values come out as
dicts with camelCase keys, lists, and strings.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from .casing import camel_case, known_camel_case
from .errors import BodyError

_DECLARED_ENCODING = re.compile(r"""\A\ufeff?<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")


def _markup_free_text(body: bytes) -> str | None:
    """The body as text when it is UTF-8 and holds no ``<!`` at all, else None.

    Every attack on an XML parser (billion laughs, quadratic blowup, external and parameter
    entities) needs a DTD, and a DTD needs ``<!DOCTYPE``. In well-formed XML a ``<`` outside
    markup is always escaped, so a document without ``<!`` has no DOCTYPE, no entity
    declarations, no comments and no CDATA; a reference to any entity but the five predefined
    ones is then a parse error. The check runs on the decoded text, and a str parsed by
    ElementTree is read as UTF-8 whatever its XML declaration says, so no other encoding can
    hide a ``<!`` from it.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "<!" in text:
        return None
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared[1].lower() != "utf-8":  # pyexpat knows no "utf8"
        return None  # honour the declaration: defusedxml reads the bytes as it says
    return text


def parse_xml(body: bytes) -> Element:
    """The root element, parsed without DTDs, entities or external references.

    Plain documents (see :func:`_markup_free_text`) go straight to ElementTree's C parser, which
    is much cheaper than setting up defusedxml's guarded parser for every answer; anything else,
    and anything the plain parse rejects, gets defusedxml's verdict.
    """
    text = _markup_free_text(body)
    if text is not None:
        try:
            return ElementTree.fromstring(text)
        except ParseError:
            pass  # defusedxml below decides, with its own message
    try:
        root: Element = defusedxml.ElementTree.fromstring(body, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise BodyError(f"XML refused ({type(exc).__name__}): DTDs and entities are not accepted") from None
    except (ParseError, ValueError, LookupError) as exc:  # LookupError: an unknown encoding
        raise BodyError(f"invalid XML: {exc}") from None
    return root


def xml_value(element: Element, lists: frozenset[str]) -> Any:
    """An element as JSON would carry it: children -> dict, text -> str, empty -> None.

    A child named in ``lists`` is always a list, except that an empty element alone is null, as
    in JSON (Newtonsoft writes a null list as ``<invoiceLines />``; no list in these answers
    holds nulls); any other repeated child becomes a list too.
    """
    if not len(element):
        return element.text or None
    out: dict[str, Any] = {}
    repeated: set[str] = set()
    for child in element:
        tag = child.tag
        name = known_camel_case(tag) or camel_case(tag)
        # A leaf (most elements) is read here: one call less per value.
        value = xml_value(child, lists) if len(child) else child.text or None
        if name in lists:
            listed = out.get(name)
            if listed is not None:
                listed.append(value)
            elif name in out:  # a second element: the first empty one was a null item after all
                out[name] = [None, value]
            else:
                out[name] = None if value is None else [value]
        elif name in out:
            if name not in repeated:
                out[name] = [out[name]]
                repeated.add(name)
            out[name].append(value)
        else:
            out[name] = value
    return out


def xml_envelope(body: bytes, *, many: bool, lists: frozenset[str]) -> dict[str, Any]:
    """The ``<result>`` document as the envelope dict its JSON twin would be. With ``many``,
    the ``<response>`` elements are always a list (none at all is an empty one)."""
    root = parse_xml(body)
    if root.tag.lower() != "result":
        raise BodyError(f"XML root is <{root.tag}>, not <result>")
    envelope: dict[str, Any] = {}
    items: list[Any] = []
    for child in root:
        name = camel_case(child.tag)
        if name == "response":
            items.append(xml_value(child, lists))
        else:
            envelope[name] = xml_value(child, lists)
    if many:
        envelope["response"] = items
    elif items:
        envelope["response"] = items[0] if len(items) == 1 else items
    return envelope
