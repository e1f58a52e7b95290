"""Argument types shared by subcommands: each turns a command-line string into a checked value
or raises :class:`argparse.ArgumentTypeError` with a message that says what was expected."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time
from decimal import Decimal

from ..errors import InvalidRequestError
from ..models import to_decimal


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return value


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return value


def port(text: str) -> int:
    """A TCP port, 0 (any free one) to 65535."""
    number = non_negative(text)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0..65535)")
    return number


def amount(text: str) -> Decimal:
    """An exact amount (``12.50``); whether it must be positive is the operation's call."""
    try:
        return to_decimal(text.strip(), "amount")
    except InvalidRequestError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount (digits and a '.', e.g. 12.50)") from None


def moment(text: str) -> datetime:
    """A day (``2025-03-05``, taken as noon UTC) or an ISO timestamp with its UTC offset.

    Noon UTC keeps a bare date on the same calendar day in every time zone from UTC-11 to
    UTC+11, so the provider shows the day the operator typed.
    """
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day, time(12), tzinfo=UTC)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (YYYY-MM-DD) or a timestamp (YYYY-MM-DDTHH:MM+HH:MM)"
        ) from None
    if when.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset (add Z or +HH:MM, or give a date)")
    return when
