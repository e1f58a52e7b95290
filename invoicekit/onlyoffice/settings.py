"""ONLYOFFICE settings: which portal, how to authenticate, which answer format."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Self

from attrs import field, frozen

from .._http.transport import normalise_base_url
from ..errors import ConfigError
from ..options import ClientOptions
from ..secret import Secret, to_secret
from ..settings import SettingsReader, check_setting_types, refuse_unsendable_header_values_in
from ..state import StateStoreSetting, check_state_store

#: The adapter's name: in settings, errors, logs and ``Invoice.provider``.
PROVIDER_NAME = "onlyoffice"

ResponseFormat = Literal["json", "xml"]
_API_ROOT = "api/2.0/"


@frozen(kw_only=True)
class OnlyOfficeSettings:
    """How to reach one ONLYOFFICE Workspace portal.

    ``base_url`` is the portal root (``https://portal.example.com``). Authenticate with either a
    pre-issued ``token`` or ``username`` + ``password`` (the client then logs in and renews the
    token on a 401). ``response_format`` picks the answer format (``json`` or ``xml``).
    ``default_item_id`` is the catalogue item of lines with neither a name nor an item id (every
    ONLYOFFICE line needs one); ``default_terms`` fills ``terms`` when a draft has none (the
    server refuses empty terms); unset, the portal's own invoice terms do (``crm/invoice/settings``).
    ``state_store`` says where a login token is kept between runs (``memory:``, ``file:PATH`` or
    a :class:`~invoicekit.state.StateStore`; unset: a file in the user's state directory when
    logging in, nothing with a pre-issued token).
    """

    provider: ClassVar[str] = PROVIDER_NAME

    base_url: str
    token: Secret | None = field(default=None, converter=to_secret)
    username: str | None = None
    password: Secret | None = field(default=None, converter=to_secret)
    response_format: ResponseFormat = "json"
    default_item_id: int | None = None
    default_terms: str | None = None
    options: ClientOptions = field(factory=ClientOptions)
    state_store: StateStoreSetting = field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        check_setting_types(self, provider=PROVIDER_NAME)  # settings built in code, not read from a mapping
        # The raw token is the Authorization header (username and password go in the login's body).
        refuse_unsendable_header_values_in(self, ("token",), provider=PROVIDER_NAME, credential=True)
        self.api_base_url  # validates base_url now, not on the first request  # noqa: B018
        has_login = self.username is not None or self.password is not None
        if self.token is not None and has_login:
            raise ConfigError(f"{PROVIDER_NAME}: set either 'token' or 'username' + 'password', not both", key="token")
        if self.token is None and not has_login:
            raise ConfigError(f"{PROVIDER_NAME}: set 'token', or 'username' and 'password'", key="token")
        if has_login and not self.username:
            raise ConfigError(f"{PROVIDER_NAME}: 'password' needs 'username'", key="username")
        if has_login and not self.password:
            raise ConfigError(f"{PROVIDER_NAME}: 'username' needs 'password'", key="password")
        if self.response_format not in ("json", "xml"):
            raise ConfigError(f"{PROVIDER_NAME}: 'response_format' must be json or xml", key="response_format")
        if self.default_item_id is not None and (
            isinstance(self.default_item_id, bool) or not isinstance(self.default_item_id, int)
            or self.default_item_id <= 0
        ):
            raise ConfigError(f"{PROVIDER_NAME}: 'default_item_id' must be a positive integer", key="default_item_id")
        if self.default_terms is not None and not self.default_terms.strip():
            raise ConfigError(f"{PROVIDER_NAME}: 'default_terms' must not be blank", key="default_terms")
        check_state_store(self.state_store, provider=PROVIDER_NAME)

    @property
    def api_base_url(self) -> str:
        """``<portal>/api/2.0/``; a base_url that already ends in ``/api/2.0`` is taken as is."""
        root = normalise_base_url(
            self.base_url, key="base_url", allow_insecure_http=self.options.allow_insecure_http
        )
        return root if root.endswith("/" + _API_ROOT) else root + _API_ROOT

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> Self:
        reader = SettingsReader(mapping, provider=PROVIDER_NAME)
        values: dict[str, Any] = {
            "base_url": reader.text("base_url", required=True),
            "token": reader.secret("token"),
            "username": reader.text("username"),
            "password": reader.secret("password"),
            "response_format": reader.choice("response_format", ("json", "xml"), default="json"),
            "default_item_id": reader.integer("default_item_id"),
            "default_terms": reader.text("default_terms"),
            "options": reader.options(),
            "state_store": check_state_store(reader.value("state_store"), provider=PROVIDER_NAME),
        }
        reader.finish()
        return cls(**values)
