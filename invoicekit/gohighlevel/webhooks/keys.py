"""GoHighLevel's webhook public key (the legacy RSA one) and how invoicekit loads keys.

Cryptography comes from the optional extra ``invoicekit[webhooks]`` (the ``cryptography``
package); it is imported only when a key is loaded, and its absence is a
:class:`MissingExtraError` that names the extra.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ...errors import ConfigError, InvoiceKitError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

#: The legacy scheme's key (``x-wh-signature``, RSA-4096, PKCS#1 v1.5 with SHA-256), as published
#: in GoHighLevel's ``docs/oauth/WebhookAuthentication.md``.
GOHIGHLEVEL_RSA_PUBLIC_KEY = """\
-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----
"""

#: Where GoHighLevel shows the Ed25519 key (``x-ghl-signature``). invoicekit ships no default for
#: it: no official GoHighLevel source (its docs repository, its SDKs) publishes the key in a form
#: we could check, and a wrong trusted key is worse than none. Configure it from there.
ED25519_KEY_SOURCE = (
    "GoHighLevel's marketplace 'Webhook Integration Guide' "
    "(marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide) and your app's settings "
    "in the marketplace developer portal"
)

EXTRA = "webhooks"


class MissingExtraError(InvoiceKitError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def crypto() -> ModuleType:
    """The ``cryptography`` package's primitives, or MissingExtraError naming the extra."""
    try:
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        raise MissingExtraError(
            "webhook signatures need the 'cryptography' package: pip install 'invoicekit[webhooks]'"
        ) from None
    return serialization


KeyInput = str | bytes | Any
"""A public key: PEM text, base64 of the DER (SPKI) form, for Ed25519 also the raw 32 bytes as
base64 or hex, or an already loaded ``cryptography`` public key."""


def _der_or_raw(text: str) -> bytes | None:
    compact = "".join(text.split())
    if len(compact) == 64:
        try:
            return bytes.fromhex(compact)
        except ValueError:
            pass
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def _load(value: KeyInput, where: str) -> Any:
    serialization = crypto()
    if not isinstance(value, str | bytes):
        return value  # a loaded key object; its type is checked by the caller
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    try:
        if "-----BEGIN" in text:
            return serialization.load_pem_public_key(text.strip().encode("ascii"))
        decoded = _der_or_raw(text)
        if decoded is None:
            raise ValueError("neither PEM, base64 nor hex")
        if len(decoded) == 32:
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

            return Ed25519PublicKey.from_public_bytes(decoded)
        return serialization.load_der_public_key(decoded)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: cannot read the public key ({exc})", key=where) from None


def _load_all(values: Iterable[KeyInput], where: str, kind: type[Any], name: str) -> tuple[Any, ...]:
    keys = []
    for index, value in enumerate(_listed(values, where)):
        key = _load(value, f"{where}[{index}]")
        if not isinstance(key, kind):
            raise ConfigError(f"{where}[{index}]: not an {name} public key", key=f"{where}[{index}]")
        keys.append(key)
    return tuple(keys)


def load_ed25519_keys(values: Iterable[KeyInput], where: str) -> tuple[Ed25519PublicKey, ...]:
    crypto()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return _load_all(values, where, Ed25519PublicKey, "Ed25519")


def load_rsa_keys(values: Iterable[KeyInput], where: str) -> tuple[RSAPublicKey, ...]:
    crypto()
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

    return _load_all(values, where, RSAPublicKey, "RSA")


def _listed(values: Iterable[KeyInput], where: str) -> list[KeyInput]:
    if isinstance(values, str | bytes):
        return [values]  # one key given where a list was expected: the obvious meaning
    try:
        return list(values)
    except TypeError:
        raise ConfigError(f"{where}: expected a list of public keys", key=where) from None
