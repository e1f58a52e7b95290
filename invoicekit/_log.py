"""Logging and error text without credentials.

The library logs requests at DEBUG with credential headers masked at the source
(:func:`invoicekit._http.transport.redact_headers`). This module is the second line of defence,
for a credential that sneaks into a text some other way (an adapter logging a body, a provider
echoing a token in an error page):

- every :class:`invoicekit.Secret` alive is known here, and its value is masked wherever it
  appears;
- credential shapes are masked whatever their value: ``Authorization: ...`` (raw ONLYOFFICE
  token or ``Bearer``), ``Bearer <token>``, and ``token``/``access_token``/``refresh_token``/
  ``client_secret``/``password``/``api_key`` as JSON members, ``key=value`` pairs or XML elements.

Library loggers come from :func:`get_logger`, which attaches :class:`RedactingFilter`. A logger
filter only sees records logged on that very logger (not on its children), so every invoicekit
module must take its logger from here rather than from :func:`logging.getLogger`.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._serde import MAX_WALK_DEPTH

if TYPE_CHECKING:
    from .secret import Secret

MASK = "<redacted>"

#: Shorter values are not masked by value (they would mask ordinary words and numbers);
#: the shape patterns below still catch them in headers and credential fields.
_MIN_SECRET_LENGTH = 6

# Keyed by identity, not a WeakSet: Secret compares and hashes by value, so a set kept only the
# first of two equal secrets and forgot the value as soon as that one died, while the other lived.
_live_secrets: weakref.WeakValueDictionary[int, Secret] = weakref.WeakValueDictionary()

_CREDENTIAL_NAMES = r"(?:token|secret|password|passwd|api_?key|auth_?key)"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: <anything up to the end of the value>, in header, repr and JSON forms.
    (re.compile(r"""(?i)((?:proxy-)?authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+"""), r"\1" + MASK),
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{4,}"), r"\1\2" + MASK),
    # Credential fields: quoted JSON/dict keys, form/query pairs, XML elements (the ONLYOFFICE
    # login answer in XML is <token>...</token>). Bare "secret: x" in prose is left alone.
    (re.compile(rf"""(?i)(["'][a-z_-]*{_CREDENTIAL_NAMES}["']\s*:\s*["']?)[^"'&\s,}}<]+"""), r"\1" + MASK),
    (re.compile(rf"""(?i)(\b[a-z_-]*{_CREDENTIAL_NAMES}=)[^"'&\s,}}<]+"""), r"\1" + MASK),
    (re.compile(rf"""(?i)(<([a-z_-]*{_CREDENTIAL_NAMES})>)[^<]+(?=</\2>)"""), r"\1" + MASK),
)


def register_secret(secret: Secret) -> None:
    """Remember a live secret so its value is masked in logs and error texts (weakly held)."""
    _live_secrets[id(secret)] = secret


def scrub(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every known secret value and every credential-shaped value masked."""
    values = {s.reveal() for s in list(_live_secrets.values())}
    values.update(extra)
    # Longest first, so a token is masked before a shorter secret that happens to be inside it.
    for value in sorted((v for v in values if len(v) >= _MIN_SECRET_LENGTH), key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


#: What stands in for the part of a body nested deeper than the scrubber walks: cut off rather
#: than kept unscrubbed (it could hold a secret) or recursed into (a hostile answer nests 600
#: levels to raise RecursionError).
TOO_DEEP = "<nested too deeply; cut off>"


def _scrub_value(value: Any, extra: tuple[str, ...], depth: int = 0) -> Any:
    if isinstance(value, str):
        return scrub(value, extra)
    if isinstance(value, Mapping | list | tuple):
        if depth >= MAX_WALK_DEPTH:
            return TOO_DEEP
        if isinstance(value, Mapping):
            return {_scrub_value(k, extra, depth + 1): _scrub_value(v, extra, depth + 1) for k, v in value.items()}
        return type(value)(_scrub_value(v, extra, depth + 1) for v in value)
    return value


def scrub_error(error: BaseException, extra: Iterable[str] = ()) -> None:
    """Mask secrets in an exception's text and, for API errors, its message and body (in place)."""
    values = tuple(extra)
    error.args = tuple(_scrub_value(a, values) for a in error.args)
    for name in ("message", "messages", "body"):
        if hasattr(error, name):
            setattr(error, name, _scrub_value(getattr(error, name), values))


def credential_values(headers: Mapping[str, str]) -> list[str]:
    """The secret parts of auth headers that were sent: each whole value and the token after a
    scheme (``Bearer``, ``Basic``, ``Token``), for :func:`scrub_error`'s ``extra``."""
    values: list[str] = []
    for value in headers.values():
        values.append(value)
        scheme, _, token = value.partition(" ")
        if token and scheme.lower() in ("bearer", "basic", "token"):
            values.append(token.strip())
    return values


class RedactingFilter(logging.Filter):
    """Masks credentials in a record's formatted message; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the handler's problem, not ours
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactingFilter()


def get_logger(name: str) -> logging.Logger:
    """The logger ``name`` (an ``invoicekit.*`` name) with :class:`RedactingFilter` attached once."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger
