"""GoHighLevel settings: the location, how to authenticate, and the defaults GHL demands.

A neutral draft carries no business details, sender or live/test mode, yet GHL's create request
requires them; they live here so that service code stays provider-neutral.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from attrs import field, frozen

from .._http.transport import normalise_base_url
from .._serde import parse_datetime
from ..errors import ConfigError
from ..models import Address, PaymentMode
from ..options import ClientOptions
from ..secret import Secret, to_secret
from ..settings import (
    SettingsReader,
    check_setting_types,
    refuse_control_characters_in,
    refuse_unsendable_header_values_in,
)
from ..state import StateStoreSetting, check_state_store
from .agency_settings import check_agency

PROVIDER_NAME = "gohighlevel"
DEFAULT_BASE_URL = "https://services.leadconnectorhq.com"
DEFAULT_API_VERSION = "2021-07-28"
SEND_ACTIONS = ("email", "sms", "sms_and_email", "send_manually")
#: Credentials sent in the Authorization header: visible ASCII only, no space. Checked at
#: configuration time, so a paste's stray character is named there instead of a 401 later.
HEADER_CREDENTIAL_KEYS = ("token", "access_token")
#: Other settings sent in a header (``Version``): visible ASCII and spaces.
HEADER_BOUND_KEYS = ("api_version",)
#: Sent in the token request's form body, percent-encoded: any character but a control one (a
#: client secret is the app owner's choice and may hold any letter).
FORM_BOUND_KEYS = ("client_id", "client_secret", "refresh_token")


@frozen(kw_only=True)
class BusinessDetails:
    """The seller shown on GHL invoices (``businessDetails`` on the wire)."""

    name: str | None = None
    address: Address | None = None
    phone: str | None = None
    website: str | None = None
    logo_url: str | None = None

    @classmethod
    def _read(cls, reader: SettingsReader | None) -> BusinessDetails:
        if reader is None:
            return cls()
        address = None
        raw_address = reader.value("address")
        if isinstance(raw_address, str):
            address = Address(line1=raw_address)
        elif (table := reader.nested("address")) is not None:
            address = Address(
                line1=table.text("line1"),
                line2=table.text("line2"),
                city=table.text("city"),
                state=table.text("state"),
                postal_code=table.text("postal_code"),
                country_code=table.text("country_code"),
            )
            table.finish()
        details = cls(
            name=reader.text("name"),
            address=address,
            phone=reader.text("phone"),
            website=reader.text("website"),
            logo_url=reader.text("logo_url") or reader.text("logo"),
        )
        reader.finish()
        return details


def _expires_at(value: object) -> datetime | None:
    """``expires_at`` as an aware datetime: ISO text, a datetime (TOML has them), or epoch seconds."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
            return datetime.fromtimestamp(float(value), UTC)
        if not isinstance(value, bool):
            return parse_datetime(value)
    except (ValueError, OverflowError, OSError):
        pass
    # Raised out here: the parser's error quotes the value (an access token pasted one key too
    # low, say), and a caught error stays reachable as the context of one raised in its block.
    raise ConfigError(
        f"{PROVIDER_NAME}: setting 'expires_at' must be an ISO date-time or epoch seconds", key="expires_at"
    )


@frozen(kw_only=True)
class GoHighLevelSettings:
    """Everything a :class:`GoHighLevelClient` needs. Secrets are :class:`Secret`s.

    Authenticate with either ``token`` (a private integration token or an access token you
    manage) or OAuth: ``client_id`` + ``client_secret`` + ``refresh_token`` (optionally the
    current ``access_token`` and its ``expires_at``). ``state_store`` says where rotated OAuth
    tokens are kept (``memory:``, ``file:PATH`` or a :class:`~invoicekit.state.StateStore`;
    unset: a file in the user's state directory).
    """

    provider: ClassVar[str] = PROVIDER_NAME

    location_id: str
    token: Secret | None = field(default=None, converter=to_secret)
    client_id: str | None = None
    client_secret: Secret | None = field(default=None, converter=to_secret)
    refresh_token: Secret | None = field(default=None, converter=to_secret)
    access_token: Secret | None = field(default=None, converter=to_secret)
    expires_at: datetime | None = None
    base_url: str = DEFAULT_BASE_URL
    api_version: str = DEFAULT_API_VERSION
    business: BusinessDetails = field(factory=BusinessDetails)
    user_id: str | None = None
    #: The invoice name used when a draft has none (GHL requires one). Unset: the invoice is named
    #: after its number, as ONLYOFFICE (which has no name) reads it back (README "Provider rules").
    default_name: str | None = None
    #: The terms (plain text) of a draft without: unset, the location's own invoice terms
    #: (``GET /invoices/settings``), else none (README "Provider rules").
    default_terms: str | None = None
    live_mode: bool = False
    send_action: str = "email"
    default_payment_mode: PaymentMode = PaymentMode.OTHER
    options: ClientOptions = field(factory=ClientOptions)
    state_store: StateStoreSetting = field(default=None, eq=False, repr=False)
    #: ``"Company"``: the OAuth tokens are an agency's (company install); calls for ``location_id``
    #: (and :meth:`GoHighLevelClient.for_location`'s) use location tokens minted from them.
    user_type: str = "Location"
    #: The agency's id (required with ``user_type = "Company"``).
    company_id: str | None = None

    def __attrs_post_init__(self) -> None:
        check_setting_types(self, provider=PROVIDER_NAME)  # settings built in code, not read from a mapping
        refuse_unsendable_header_values_in(self, HEADER_CREDENTIAL_KEYS, provider=PROVIDER_NAME, credential=True)
        refuse_unsendable_header_values_in(self, HEADER_BOUND_KEYS, provider=PROVIDER_NAME)
        refuse_control_characters_in(self, FORM_BOUND_KEYS, provider=PROVIDER_NAME)
        if not self.location_id or not self.location_id.strip():
            raise ConfigError(f"{PROVIDER_NAME}: missing required setting 'location_id'", key="location_id")
        if any(ch in self.location_id for ch in "/?#&= \t\r\n"):
            raise ConfigError(f"{PROVIDER_NAME}: setting 'location_id' is not a GHL id", key="location_id")
        oauth = {
            "client_id": self.client_id, "client_secret": self.client_secret, "refresh_token": self.refresh_token,
        }
        if self.token is not None:
            given = sorted(k for k, v in {**oauth, "access_token": self.access_token}.items() if v)
            if given:
                raise ConfigError(
                    f"{PROVIDER_NAME}: give either 'token' or OAuth settings, not both ({given[0]} is set)",
                    key=given[0],
                )
        else:
            missing = [k for k, v in oauth.items() if not v]
            if len(missing) == len(oauth):
                raise ConfigError(
                    f"{PROVIDER_NAME}: set 'token' (private integration or access token) or OAuth "
                    "'client_id', 'client_secret' and 'refresh_token'",
                    key="token",
                )
            if missing:
                raise ConfigError(
                    f"{PROVIDER_NAME}: OAuth needs {', '.join(repr(k) for k in oauth)}; missing {missing[0]!r}",
                    key=missing[0],
                )
        if self.send_action not in SEND_ACTIONS:
            raise ConfigError(
                f"{PROVIDER_NAME}: setting 'send_action' must be one of {', '.join(SEND_ACTIONS)}", key="send_action"
            )
        if self.default_terms is not None and not self.default_terms.strip():
            raise ConfigError(f"{PROVIDER_NAME}: 'default_terms' must not be blank", key="default_terms")
        check_state_store(self.state_store, provider=PROVIDER_NAME)
        check_agency(self)
        if not self.api_version.strip():
            raise ConfigError(f"{PROVIDER_NAME}: setting 'api_version' is empty", key="api_version")
        # Checked here so that a bad URL fails at configuration time, not on the first call.
        normalise_base_url(self.base_url, key="base_url", allow_insecure_http=self.options.allow_insecure_http)

    @property
    def uses_oauth(self) -> bool:
        return self.token is None

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Self:
        reader = SettingsReader(mapping, provider=PROVIDER_NAME)
        location_id = reader.text("location_id", required=True)
        assert location_id is not None
        mode = reader.choice("default_payment_mode", tuple(m.value for m in PaymentMode), default="other")
        settings = cls(
            location_id=location_id,
            token=reader.secret("token"),
            client_id=reader.text("client_id"),
            client_secret=reader.secret("client_secret"),
            refresh_token=reader.secret("refresh_token"),
            access_token=reader.secret("access_token"),
            expires_at=_expires_at(reader.value("expires_at")),
            base_url=reader.text("base_url", default=DEFAULT_BASE_URL) or DEFAULT_BASE_URL,
            api_version=reader.text("api_version", default=DEFAULT_API_VERSION) or DEFAULT_API_VERSION,
            business=BusinessDetails._read(reader.nested("business")),
            user_id=reader.text("user_id"),
            default_name=reader.text("default_name"),
            default_terms=reader.text("default_terms"),
            live_mode=reader.flag("live_mode"),
            send_action=reader.choice("send_action", SEND_ACTIONS, default="email"),
            default_payment_mode=PaymentMode(mode),
            options=reader.options(),
            state_store=check_state_store(reader.value("state_store"), provider=PROVIDER_NAME),
            user_type=reader.choice("user_type", ("location", "company"), default="location").capitalize(),
            company_id=reader.text("company_id"),
        )
        reader.finish()
        return settings
