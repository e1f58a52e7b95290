"""Currencies and amounts: the ISO 4217 codes invoices may use and each one's minor units.

One table for every adapter, so that a draft is accepted or refused the same way whatever the
provider, and amounts read back from any provider have one canonical form: ``360`` and ``360.00``
are the same fact and both come back as ``Decimal('360.00')`` for EUR (``Decimal('360')`` for JPY).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from .errors import InvalidRequestError

__all__ = [
    "CURRENCIES", "check_precision", "currency_code", "is_known_currency", "minor_units", "quantize", "smallest_unit",
]


def _table(units: int, codes: str) -> dict[str, int]:
    return dict.fromkeys(codes.split(), units)


#: Active ISO 4217 currency codes -> number of minor units (decimal places), from the ISO 4217
#: list one. Funds and metals without minor units (XAU, XDR, XXX...) are left out: no invoice is
#: written in them.
CURRENCIES = MappingProxyType({
    **_table(0, "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"),
    **_table(3, "BHD IQD JOD KWD LYD OMR TND"),
    **_table(4, "CLF UYW"),
    **_table(2, """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP
        BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD
        FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD
        KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD
        NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP
        SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS
        VED VES WST XCD XCG YER ZAR ZMW ZWG
    """),
})

# The exponent of each currency's smallest unit, precomputed: Decimal('0.01') for EUR. Keyed by
# ``str | None``: ``_SMALLEST.get(currency)`` is None for no currency as for an unknown one.
_SMALLEST: dict[str | None, Decimal] = {code: Decimal(1).scaleb(-units) for code, units in CURRENCIES.items()}


def currency_code(value: object, field: str = "currency") -> str:
    """An ISO 4217 code from :data:`CURRENCIES`, upper-cased (``" eur"`` -> ``"EUR"``)."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 3 or not code.isalpha():
        raise InvalidRequestError("must be a three-letter currency code such as 'EUR'", field=field)
    if code not in CURRENCIES:
        raise InvalidRequestError(f"{code!r} is not an ISO 4217 currency code", field=field)
    return code


def is_known_currency(code: object) -> bool:
    return isinstance(code, str) and code in CURRENCIES


def smallest_unit(currency: str | None) -> Decimal | None:
    """The currency's smallest unit (``Decimal('0.01')`` for EUR), None when it is not known."""
    return _SMALLEST.get(currency)


def minor_units(currency: str) -> int:
    """How many decimal places the currency has: 2 for EUR, 0 for JPY, 3 for KWD."""
    try:
        return CURRENCIES[currency]
    except KeyError:
        raise InvalidRequestError(f"{currency!r} is not an ISO 4217 currency code", field="currency") from None


def quantize(amount: Decimal, currency: str | None) -> Decimal:
    """The canonical form of an amount: exactly the currency's minor units (360 -> 360.00 EUR).

    Exact only: an amount with finer precision than the currency has (a provider's stored
    artefact; drafts cannot hold one, see :func:`check_precision`) is returned unchanged rather
    than rounded, and so is an amount in a currency the table does not know. Padding never
    changes the value, so ``quantize(a, c) == a`` always.
    """
    smallest = _SMALLEST.get(currency)
    if smallest is None or amount.same_quantum(smallest):  # unknown, or already canonical
        return amount
    try:
        padded = amount.quantize(smallest)
    except InvalidOperation:  # more digits than the context holds (or not finite): as it is
        return amount
    # Different only when quantize had to round: then the finer stored value stays.
    return padded if padded == amount else amount


def check_precision(amount: Decimal, currency: str, field: str) -> None:
    """Refuse an amount below the currency's smallest unit (0.001 EUR): no provider can store
    it, and sending it would record something else than what was asked."""
    units = minor_units(currency)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -units:
        return
    try:
        exact = amount == amount.quantize(_SMALLEST[currency])
    except InvalidOperation:
        exact = False
    if not exact:
        raise InvalidRequestError(
            f"{amount} is finer than {currency}'s smallest unit ({units} decimal places)", field=field
        )
