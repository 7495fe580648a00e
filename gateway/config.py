"""The gateway's configuration: one YAML file, validated once at start.

Every error names the file, the key path (``opds[3].connector.base_url``) and
what is expected. After :func:`load_config` nothing reads raw dicts: each
OPD's connector block has been validated by that connector's own
``Settings`` model.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import limits
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from redis.asyncio.connection import parse_url as parse_redis_url

from connectors import Connector, UnknownConnectorKind, available_kinds, connector_class

from .config_problems import ConfigProblem, ProblemHints, validation_problems
from .kip.roles import OfficerRole

__all__ = [
    "CacheConfig",
    "CacheTtl",
    "CircuitConfig",
    "ConfigError",
    "ConfigProblem",
    "ContactConfig",
    "DatabaseConfig",
    "DeliveryConfig",
    "FederationConfig",
    "GatewayConfig",
    "OfficerConfig",
    "OpdConfig",
    "PersonalDataConfig",
    "RequestsConfig",
    "ResolvedConnector",
    "RoutingRule",
    "ServerConfig",
    "load_config",
    "parse_config",
]

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContactConfig(_Strict):
    """The PPID Pembantu desk of an OPD, as the directory knows it."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    office_hours: str | None = None


class ConnectorBlock(BaseModel):
    """An OPD's ``connector:`` block: ``kind`` plus that connector's own settings."""

    model_config = ConfigDict(extra="allow", frozen=True)

    kind: str = Field(min_length=1)

    def options(self) -> dict[str, Any]:
        """The settings of the connector, without ``kind``."""
        return dict(self.model_extra or {})


@dataclass(frozen=True, slots=True)
class ResolvedConnector:
    """A connector block after validation: the class and its typed settings."""

    kind: str
    cls: type[Connector]
    settings: BaseModel


class OpdConfig(_Strict):
    """One OPD of the directory."""

    slug: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    kind: str | None = None
    website: HttpUrl | None = None
    ppid_contact: ContactConfig | None = None
    active_from: dt.date | None = None
    active_to: dt.date | None = None
    successor_of: tuple[str, ...] = ()
    connector: ConnectorBlock
    """The connector that reads this OPD's system: ``kind`` and that connector's own settings."""
    webhook_secret_env: str | None = Field(default=None, pattern=_ENV_NAME)
    """The environment variable holding the secret this OPD signs its cache webhook with
    (``POST /hooks/opd/<slug>``, docs/operations.md); without it the OPD has no webhook.
    The secret itself never goes in the file."""

    _resolved: ResolvedConnector | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _dates_in_order(self) -> OpdConfig:
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValueError("active_to is before active_from")
        return self

    @property
    def resolved_connector(self) -> ResolvedConnector:
        """The validated connector; available on configs returned by :func:`parse_config`."""
        if self._resolved is None:
            raise RuntimeError(f"OPD {self.slug!r}: connector settings were not validated; use load_config")
        return self._resolved

    def is_active(self, on: dt.date) -> bool:
        """True when the OPD exists on ``on`` (``active_from`` / ``active_to``)."""
        return (self.active_from is None or self.active_from <= on) and (
            self.active_to is None or on <= self.active_to
        )


class CircuitConfig(_Strict):
    """The per-OPD circuit breaker."""

    failure_threshold: int = Field(default=5, ge=1)
    """Consecutive failures that open the circuit."""
    reset_after_s: float = Field(default=30.0, gt=0)
    """How long an open circuit waits before one probe call."""


class FederationConfig(_Strict):
    """How queries fan out over the OPDs."""

    opd_timeout_s: float = Field(default=3.0, gt=0, le=120)
    """The longest one upstream call may take."""
    deadline_s: float = Field(default=6.0, gt=0, le=300)
    """The longest one operation waits for all OPDs together."""
    concurrency: int = Field(default=32, ge=1, le=1024)
    """How many upstream calls one operation makes at once."""
    max_connections_per_opd: int = Field(default=16, ge=1, le=1024)
    """The connection pool size towards one OPD (each OPD has a pool of its own)."""
    circuit: CircuitConfig = CircuitConfig()
    """The circuit breaker."""


class CacheTtl(_Strict):
    """Seconds each kind of upstream answer may be reused."""

    profile: float = Field(default=3600, ge=0)
    information_list: float = Field(default=900, ge=0)
    documents: float = Field(default=300, ge=0)
    statistics: float = Field(default=3600, ge=0)


class CacheConfig(_Strict):
    """Where cached upstream answers live."""

    url: str = "memory://"
    """``memory://`` (one process) or ``redis://[:password@]host:port/db`` / ``rediss://…``
    (TLS), shared by replicas."""
    max_entries: int = Field(default=10_000, ge=1)
    """The in-memory cache's bound: past it the least recently used entry is dropped."""
    key_prefix: str = Field(default="ppid", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    """The first part of every key in Redis, so that deployments (or test runs) can share one."""
    connect_timeout_s: float = Field(default=0.5, gt=0, le=30)
    """Redis: the longest opening a connection may take before the gateway goes on without the cache."""
    timeout_s: float = Field(default=0.5, gt=0, le=30)
    """Redis: the longest one command may wait for its answer before the gateway goes on without it."""
    max_connections: int = Field(default=64, ge=1, le=10_000)
    """Redis: connections open at once per gateway process; a call waits for a free one."""
    ttl: CacheTtl = CacheTtl()
    """Reuse periods."""
    stale_while_revalidate_s: float = Field(default=300, ge=0, le=7 * 86_400)
    """Once an OPD's answer is past its ``ttl``: how long it is still served at once (``CACHED``;
    ``STALE`` when the OPD's last call failed) while one refresh per answer runs in the background.
    Later, the OPD is asked first."""
    stale_if_error_s: float = Field(default=86_400, ge=0, le=30 * 86_400)
    """Once an OPD's answer is past its ``ttl``: how long it is kept, to be served (``STALE``, with
    its age) when the OPD fails. ``0``: a failed OPD is an error as soon as its answer expired."""
    response_ttl_s: float = Field(default=30, ge=0, le=86_400)
    """How long the whole answer to an anonymous query is reused (``0``: never). One figure for
    every query, because which OPD answers a query touched, and their own TTLs, are only known
    after running it; keep it at or below the shortest of ``ttl`` that matters to you."""
    apq_ttl_s: float = Field(default=7 * 86_400, gt=0, le=365 * 86_400)
    """How long a query registered by automatic persisted queries (APQ) is kept under its hash;
    a client whose hash expired is asked for the query again, once."""

    @field_validator("url")
    @classmethod
    def _supported_url(cls, url: str) -> str:
        # A plain ValueError, so that the message never repeats the URL (it may hold a password).
        scheme, separator, rest = url.partition("://")
        if scheme == "memory" and separator and not rest:
            return url
        if scheme in {"redis", "rediss"} and separator:
            try:
                parse_redis_url(url)
            except ValueError:
                pass
            else:
                return url
        raise ValueError("expected memory:// or redis://[:password@]host:6379/0 (rediss:// for TLS)")


class DeliveryConfig(_Strict):
    """How the outbox worker delivers requests to OPDs that take them, and asks for their states.

    A failed attempt waits ``base_delay_s × 2^(attempts-1)`` (at most
    ``max_delay_s``, with up to 20 % jitter so replicas do not retry in step)
    before the next; after ``max_attempts`` the entry is given up and the
    request is served from the gateway's inbox by the OPD's officers.
    """

    enabled: bool = True
    """Run the worker in this process; turn it off on replicas that should only answer queries."""
    poll_interval_s: float = Field(default=2.0, gt=0, le=3600)
    """How often the worker looks for due deliveries when it found none."""
    batch_size: int = Field(default=20, ge=1, le=1000)
    """Deliveries claimed (and attempted concurrently) at once."""
    lease_s: float = Field(default=120.0, gt=0, le=86_400)
    """How long a claim lasts: a worker that dies mid-delivery frees its entries after this."""
    attempt_timeout_s: float = Field(default=30.0, gt=0, le=3600)
    """The longest one delivery attempt may take (less than ``lease_s``)."""
    base_delay_s: float = Field(default=5.0, gt=0, le=86_400)
    """The wait after the first failed attempt."""
    max_delay_s: float = Field(default=3600.0, gt=0, le=7 * 86_400)
    """The longest wait between attempts."""
    max_attempts: int = Field(default=60, ge=1, le=10_000)
    """Attempts before the entry is given up (about two and a half days with the defaults)."""
    status_poll_interval_s: float = Field(default=300.0, gt=0, le=86_400)
    """How often the states of delivered, unanswered requests are asked of OPDs with ``REQUEST_STATUS``."""
    status_batch_size: int = Field(default=200, ge=1, le=10_000)
    """Requests asked about per status round; the next round goes on where this one stopped."""

    @model_validator(mode="after")
    def _attempt_fits_in_lease(self) -> DeliveryConfig:
        if self.attempt_timeout_s >= self.lease_s:
            raise ValueError(
                f"attempt_timeout_s ({self.attempt_timeout_s:g}) must be less than "
                f"lease_s ({self.lease_s:g}): otherwise another worker may claim an entry "
                "while it is still being delivered"
            )
        if self.base_delay_s > self.max_delay_s:
            raise ValueError(
                f"base_delay_s ({self.base_delay_s:g}) must not exceed max_delay_s ({self.max_delay_s:g})"
            )
        return self


class ServerConfig(_Strict):
    """How the gateway's HTTP endpoint treats browsers and slow networks."""

    cors_origins: tuple[str, ...] = ()
    """Web origins allowed to call ``/graphql`` from a browser; ``*`` for any."""
    gzip_min_bytes: int = Field(default=1000, ge=0)
    """Responses at least this large are gzip-compressed for clients that accept it."""


class DatabaseConfig(_Strict):
    """Where the request ledger lives: a SQLite file (demo, fresh install) or PostgreSQL."""

    url: str = Field(default="sqlite+aiosqlite:///ppid-gateway.db", validate_default=True)
    """``sqlite+aiosqlite:///path.db`` or ``postgresql+asyncpg://user:password@host:5432/db``
    (``sqlite://`` and ``postgresql://`` get those drivers)."""
    echo: bool = False
    """Log every SQL statement (development only: statements carry encrypted personal data)."""
    pool_size: int = Field(default=5, ge=1, le=100)
    """Connections kept open per gateway process."""
    max_overflow: int = Field(default=10, ge=0, le=100)
    """Extra connections opened under load beyond ``pool_size``, closed when returned."""
    pool_timeout_s: float = Field(default=30.0, gt=0, le=300)
    """The longest a transaction waits for a free connection."""
    connect_timeout_s: float = Field(default=5.0, gt=0, le=120)
    """The longest opening one PostgreSQL connection may take."""
    busy_timeout_s: float = Field(default=30.0, gt=0, le=300)
    """SQLite: the longest a transaction waits for another process's write to finish."""

    @field_validator("url")
    @classmethod
    def _supported_url(cls, url: str, info: ValidationInfo) -> str:
        # Raised as a plain ValueError so the error message never repeats the URL (it may hold a password).
        scheme, separator, rest = url.partition("://")
        if not separator or scheme not in _DATABASE_SCHEMES:
            raise ValueError(
                "expected sqlite+aiosqlite:///path/to/ledger.db or postgresql+asyncpg://user@host:5432/db"
            )
        if scheme.startswith("sqlite") and rest.lstrip("/") in {"", ":memory:"}:
            raise ValueError(
                "an in-memory SQLite database is lost on exit and not shared between connections; "
                "give a file path such as sqlite+aiosqlite:///ppid-gateway.db"
            )
        config_dir = (info.context or {}).get("config_dir")
        if scheme.startswith("sqlite") and config_dir is not None and not rest.startswith("//"):
            # A relative SQLite path is relative to the config file, like every other path in it.
            return f"{scheme}:///{(Path(config_dir) / rest.removeprefix('/')).resolve()}"
        return url


_DATABASE_SCHEMES = frozenset({"sqlite", "sqlite+aiosqlite", "postgresql", "postgresql+asyncpg"})


class PersonalDataConfig(_Strict):
    """Where the key that encrypts requesters' personal data comes from: never the file itself."""

    key_env: str = Field(default="PPID_PERSONAL_DATA_KEY", pattern=_ENV_NAME)
    """The environment variable holding the current master key (32 bytes, base64)."""
    old_keys_env: str | None = Field(default=None, pattern=_ENV_NAME)
    """During a key rotation: the variable holding the previous keys, comma-separated; they only decrypt."""


class RequestsConfig(_Strict):
    """How the request service guards citizens' access codes (DOMAIN.md, Cek Status)."""

    access_code_attempts: str = "5/15 minutes"
    """Wrong access codes allowed per registration number in any such window, in the notation
    of the ``limits`` library (``5/15 minutes``, ``10 per hour``). Past it every code check for
    that number, right or wrong, is refused with ``RATE_LIMITED`` until the window moves on."""
    attempts_timeout_s: float = Field(default=1.0, gt=0, le=30)
    """The longest a code check waits for the shared attempt counter (Redis, when ``cache.url``
    names one) before checking the code without it."""

    @field_validator("access_code_attempts")
    @classmethod
    def _one_limit(cls, text: str) -> str:
        try:
            parsed = limits.parse_many(text)
        except ValueError:
            parsed = []
        if len(parsed) != 1 or parsed[0].amount < 1:
            raise ValueError(
                "expected one limit such as '5/15 minutes' or '10 per hour': "
                "at least 1 attempt per a number of seconds, minutes, hours or days"
            )
        return text


class RoutingRule(_Strict):
    """Send a request that names none of the OPDs to ``opd`` when its text has one of ``keywords``.

    Keywords match whole words of the details and the purpose, ignoring case
    and accents; a keyword of several words matches them in a row. Rules are
    tried in the order written: the first that matches wins.
    """

    keywords: tuple[str, ...] = Field(min_length=1)
    opd: str = Field(pattern=SLUG_PATTERN)

    @field_validator("keywords")
    @classmethod
    def _keywords_have_words(cls, keywords: tuple[str, ...]) -> tuple[str, ...]:
        for keyword in keywords:
            if not any(c.isalnum() for c in keyword):
                raise ValueError(f"the keyword {keyword!r} has no letter or digit to match")
        return keywords


OFFICER_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
"""An officer's id: lower-case letters, digits, ``.``, ``_`` and ``-``, at most 64 (``dinkes-ppid``)."""
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class OfficerConfig(_Strict):
    """One officer who signs in with a key: the PPID or the atasan PPID of an OPD, or PPID Utama.

    The key is never written here, only ``key_sha256``, the hex SHA-256 of it:
    a leaked config file lets no one act as an officer. ``ppid-gateway
    officer-key`` makes a key and prints the line to paste.
    """

    id: str = Field(pattern=OFFICER_ID_PATTERN)
    """Unique and stable: the history and the personal-data audit name the officer by it."""
    name: str = Field(min_length=1, max_length=200)
    """How the officer is shown (``me``), e.g. ``PPID Pembantu Dinas Kesehatan``."""
    role: OfficerRole
    """``PPID`` (PPID Pembantu), ``ATASAN`` (atasan PPID) or ``PPID_UTAMA``."""
    opd: str | None = Field(default=None, pattern=SLUG_PATTERN)
    """The OPD the officer acts for; absent for ``PPID_UTAMA``, who acts for every OPD."""
    key_sha256: str
    """The 64 hex digits of the SHA-256 of the officer's key."""

    @field_validator("key_sha256", mode="before")
    @classmethod
    def _hex_digest(cls, value: Any) -> str:
        # Never quote the value: someone may have pasted the key itself here.
        text = value.strip().lower() if isinstance(value, str) else ""
        if not _SHA256_HEX.fullmatch(text):
            raise ValueError(
                "expected the 64 hex digits of the SHA-256 of the officer's key, "
                "as `ppid-gateway officer-key` prints them (never the key itself)"
            )
        return text

    @model_validator(mode="after")
    def _role_fits_opd(self) -> OfficerConfig:
        if self.role is OfficerRole.PPID_UTAMA and self.opd is not None:
            raise ValueError(
                "a PPID_UTAMA officer acts for every OPD: remove opd (PPID Utama's own OPD is ppid_utama)"
            )
        if self.role is not OfficerRole.PPID_UTAMA and self.opd is None:
            raise ValueError(
                f"a {self.role.value} officer acts for one OPD: add opd, the slug of that OPD in opds"
            )
        return self


class GatewayConfig(_Strict):
    """The whole configuration file."""

    title: str = "PPID Provinsi Banten"
    """Shown in GraphiQL and the demo banner."""
    ppid_utama: str = Field(default="diskominfo", pattern=SLUG_PATTERN)
    """The slug of the OPD that hosts PPID Utama."""
    server: ServerConfig = ServerConfig()
    federation: FederationConfig = FederationConfig()
    cache: CacheConfig = CacheConfig()
    database: DatabaseConfig = DatabaseConfig()
    personal_data: PersonalDataConfig = PersonalDataConfig()
    requests: RequestsConfig = RequestsConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    opds: tuple[OpdConfig, ...] = Field(min_length=1)
    routing_rules: tuple[RoutingRule, ...] = ()
    """Where a request goes when it names no OPD and cites no document; else PPID Utama."""
    officers: tuple[OfficerConfig, ...] = ()
    """Who may answer requests, extend deadlines, decide objections and forward requests."""

    @model_validator(mode="before")
    @classmethod
    def _database_from_the_file(cls, data: Any) -> Any:
        # An absent `database:` is validated as {} rather than taken as a shared default,
        # so that the default SQLite path, like one given, is relative to the config file.
        if isinstance(data, dict) and "database" not in data:
            return {**data, "database": {}}
        return data

    @model_validator(mode="after")
    def _slugs_unique(self) -> GatewayConfig:
        seen: set[str] = set()
        for opd in self.opds:
            if opd.slug in seen:
                raise ValueError(f"OPD slug {opd.slug!r} appears twice; every slug must be unique")
            seen.add(opd.slug)
        if self.ppid_utama not in seen:
            raise ValueError(f"ppid_utama {self.ppid_utama!r} is not the slug of any OPD in opds")
        for index, rule in enumerate(self.routing_rules):
            if rule.opd not in seen:
                raise ValueError(
                    f"routing_rules[{index}].opd {rule.opd!r} is not the slug of any OPD in opds"
                )
        return self

    @model_validator(mode="after")
    def _officers_distinct(self) -> GatewayConfig:
        slugs = {opd.slug for opd in self.opds}
        ids: dict[str, int] = {}
        keys: dict[str, int] = {}
        for index, officer in enumerate(self.officers):
            if officer.opd is not None and officer.opd not in slugs:
                raise ValueError(f"officers[{index}].opd {officer.opd!r} is not the slug of any OPD in opds")
            if officer.id in ids:
                raise ValueError(
                    f"officers[{index}].id {officer.id!r} is also the id of officers[{ids[officer.id]}]; "
                    "every officer needs an id of their own"
                )
            if officer.key_sha256 in keys:
                raise ValueError(
                    f"officers[{index}].key_sha256 is also the key of officers[{keys[officer.key_sha256]}]; "
                    "give every officer a key of their own (ppid-gateway officer-key)"
                )
            ids[officer.id] = index
            keys[officer.key_sha256] = index
        return self

    def opd(self, slug: str) -> OpdConfig | None:
        """The OPD with ``slug``, or ``None``."""
        for opd in self.opds:
            if opd.slug == slug:
                return opd
        return None


class ConfigError(Exception):
    """A config file that cannot be used; ``problems`` lists every fault found."""

    def __init__(self, source: str, problems: Sequence[ConfigProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(self.render())

    def render(self) -> str:
        """One line per problem: ``FILE: KEY: MESSAGE (OPD slug)``."""
        return "\n".join(f"{self.source}: {p.describe()}" for p in self.problems)


def load_config(path: str | Path) -> GatewayConfig:
    """Read, parse and validate the YAML config at ``path``.

    Relative paths inside connector settings are resolved against the file's folder.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [ConfigProblem("", f"cannot read the file: {exc.strerror}")]) from exc
    return parse_config(text, source=str(path), base_dir=path.resolve().parent)


def parse_config(text: str, *, source: str = "<config>", base_dir: Path | None = None) -> GatewayConfig:
    """Validate config ``text`` (YAML); see :func:`load_config`."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(source, [ConfigProblem("", f"not valid YAML{where}: {problem}")]) from exc
    if not isinstance(raw, dict):
        raise ConfigError(source, [ConfigProblem("", "expected a mapping with at least an 'opds' list")])
    context = {"config_dir": base_dir or Path.cwd()}
    try:
        config = GatewayConfig.model_validate(raw, context=context)
    except ValidationError as exc:
        raise ConfigError(source, list(validation_problems(exc, GatewayConfig, raw, _HINTS))) from exc
    problems: list[ConfigProblem] = []
    for index, opd in enumerate(config.opds):
        prefix = f"opds[{index}].connector"
        block = opd.connector
        try:
            cls = connector_class(block.kind)
        except UnknownConnectorKind as exc:
            problems.append(ConfigProblem(f"{prefix}.kind", str(exc), opd.slug))
            continue
        except (ImportError, TypeError, AttributeError) as exc:
            message = (
                f"the connector of kind {block.kind!r} cannot be loaded ({type(exc).__name__}: {exc}); "
                "reinstall the package that provides it"
            )
            problems.append(ConfigProblem(f"{prefix}.kind", message, opd.slug))
            continue
        try:
            settings = cls.Settings.model_validate(block.options(), context=context)
        except ValidationError as exc:
            found = validation_problems(exc, cls.Settings, raw, _HINTS, prefix=prefix, slug=opd.slug)
            problems.extend(found)
            continue
        opd._resolved = ResolvedConnector(block.kind, cls, settings)
    if problems:
        raise ConfigError(source, problems)
    return config


# What the messages of validation_problems need to know about this config's models.
_HINTS = ProblemHints(
    patterns={
        _ENV_NAME: "the name of an environment variable (letters, digits and _, not starting with a digit, "
        "e.g. DINKES_API_KEY); the value itself goes in the environment, never in this file",
        SLUG_PATTERN: "a slug: lower-case letters, digits and '-', starting with a letter or digit, "
        "at most 40 characters (e.g. dinkes)",
    },
    missing={
        (ConnectorBlock, "kind"): lambda: (
            f"the connector that reads this OPD; installed kinds: {', '.join(available_kinds())}"
        )
    },
    mappings={
        (OpdConfig, "connector"): "kind and that connector's settings, e.g. {kind: rest, base_url: https://…}"
    },
)
