"""Where a command's config comes from, and the options that choose it."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from ..config import config_from_env, load_config
from ..errors import ConfigError
from .status import UsageError

#: Environment variables the CLI reads itself; they are not provider settings.
CLI_VARIABLES: Final = frozenset({"INVOICEKIT_CONFIG", "INVOICEKIT_PROFILE"})
DEFAULT_CONFIG_FILE: Final = "invoicekit.toml"

CONFIG_HELP = f"""\
configuration (first that applies):
  --env                  environment variables only: INVOICEKIT_PROVIDER, INVOICEKIT_BASE_URL,
                         INVOICEKIT_TOKEN... (a double underscore nests: INVOICEKIT_BUSINESS__NAME)
  --config PATH          a TOML file: one config, or one table per profile
  $INVOICEKIT_CONFIG     the same, from the environment
  ./{DEFAULT_CONFIG_FILE}      when it exists
  $INVOICEKIT_PROVIDER   when set, the environment as with --env
--profile (or $INVOICEKIT_PROFILE) picks the file's table; without it, the file's default_profile
or its only profile."""


def _provider_env(environ: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in environ.items() if k not in CLI_VARIABLES}


@attrs.frozen
class ConfigSource:
    """Where the config comes from: a TOML file (and maybe a profile), or the environment."""

    path: str | None  # None: the INVOICEKIT_* environment
    profile: str | None = None

    def __str__(self) -> str:
        if self.path is None:
            return "the INVOICEKIT_* environment"
        return f"{self.path}, profile {self.profile}" if self.profile else self.path


def locate_config(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> ConfigSource:
    """Which config the options and environment select (order in :data:`CONFIG_HELP`)."""
    env = os.environ if environ is None else environ
    explicit_profile: str | None = getattr(args, "profile", None)
    config_path: str | None = getattr(args, "config", None)
    if getattr(args, "env", False):
        if explicit_profile or config_path:
            raise UsageError("--env reads the environment only; it cannot be combined with --config or --profile")
        return ConfigSource(None)
    profile = explicit_profile or env.get("INVOICEKIT_PROFILE") or None
    path = config_path or env.get("INVOICEKIT_CONFIG") or None
    if path is not None:
        return ConfigSource(path, profile)
    if Path(DEFAULT_CONFIG_FILE).is_file():
        return ConfigSource(DEFAULT_CONFIG_FILE, profile)
    if env.get("INVOICEKIT_PROVIDER"):
        if explicit_profile:
            raise UsageError(f"--profile needs a config file (--config, $INVOICEKIT_CONFIG or ./{DEFAULT_CONFIG_FILE})")
        return ConfigSource(None)
    raise ConfigError(
        f"no configuration: pass --config FILE, set INVOICEKIT_CONFIG, create ./{DEFAULT_CONFIG_FILE}, "
        "or set INVOICEKIT_PROVIDER and its settings (see --help)"
    )


def load_source(source: ConfigSource, environ: Mapping[str, str] | None = None) -> Mapping[str, Any]:
    if source.path is not None:
        return load_config(source.path, source.profile)
    return config_from_env(environ=_provider_env(os.environ if environ is None else environ))


def resolve_config(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Mapping[str, Any]:
    """The config mapping the options and environment select (order in :data:`CONFIG_HELP`)."""
    return load_source(locate_config(args, environ), environ)


def add_connection_options(
    parser: argparse.ArgumentParser, *, json_option: bool = True, raw_option: bool = True
) -> None:
    """Options accepted before or after the subcommand (``invoicekit invoices --json list`` and
    ``invoicekit invoices list --json`` alike): SUPPRESS keeps a level that does not see the
    option from overwriting a value given at another."""
    s = argparse.SUPPRESS
    group = parser.add_argument_group("connection and output")
    group.add_argument("--config", metavar="PATH", default=s, help="TOML config file (see 'configuration' below)")
    group.add_argument("--profile", metavar="NAME", default=s, help="profile (table) of the config file")
    group.add_argument("--env", action="store_true", default=s, help="configure from INVOICEKIT_* variables only")
    if json_option:
        group.add_argument("--json", action="store_true", default=s, help="JSON output for scripts")
    if raw_option:
        group.add_argument("--raw", action="store_true", default=s,
                           help="in JSON output, include each invoice's provider payload ('raw')")
    add_debug_option(group)


def add_debug_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="print the traceback of an error")
