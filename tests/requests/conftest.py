"""A request service over a migrated ledger on each backend, a fixed clock and a small directory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml

from gateway.config import DatabaseConfig, GatewayConfig
from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.requester import RequesterInput
from gateway.kip.request_form import InformationRequestInput
from gateway.kip.vocabulary import DeliveryMethod, ObtainMethod, RequesterType
from gateway.ledger import Ledger
from gateway.requests import (
    InformationRequestSubmission,
    LedgerCalendarSource,
    OfficerDesk,
    RequestService,
)

NOW = datetime(2026, 3, 13, 3, 0, tzinfo=UTC)
"""Friday 13 March 2026, 10:00 WIB."""
OFFICIAL_DAY_OFF = date(2026, 3, 19)
"""The one official day off the tests' calendar knows (a Thursday)."""

NIK = "3603124509900001"
PHONE = "081234567890"
PHONE_E164 = "+6281234567890"
EMAIL = "siti.aminah@example.org"
NAME = "Siti Aminah"
ADDRESS = "Jl. Raya Serang No. 5, Tangerang"
INTAKE_OPDS = frozenset({"dinkes"})

_CONFIG = """
ppid_utama: diskominfo
opds:
  - {slug: diskominfo, name: Dinas Kominfo, short_name: Diskominfo, connector: {kind: mock}}
  - {slug: dinkes, name: Dinas Kesehatan, short_name: Dinkes, connector: {kind: mock}}
  - {slug: dindikbud, name: Dinas Pendidikan dan Kebudayaan, short_name: Dindikbud, connector: {kind: mock}}
routing_rules:
  - {keywords: [rumah sakit, puskesmas], opd: dinkes}
  - {keywords: [sekolah], opd: dindikbud}
"""


def official_days_off(year: int) -> frozenset[date]:
    """A calendar the tests control: one official day off in 2026."""
    return frozenset({OFFICIAL_DAY_OFF}) if year == 2026 else frozenset()


def submission(**changes: Any) -> InformationRequestSubmission:
    """A valid submission; ``changes`` replace its fields, or the form's when prefixed ``form_``."""
    requester = RequesterInput(
        type=RequesterType.INDIVIDUAL,
        name=NAME,
        address=ADDRESS,
        nik=NIK,
        phone=PHONE,
        email=EMAIL,
        occupation="Wartawan",
    )
    form = InformationRequestInput(
        requester=requester,
        details="Laporan realisasi anggaran tahun 2025",
        purpose="Bahan liputan berita",
        obtain_method=ObtainMethod.COPY_SOFT,
        delivery_method=DeliveryMethod.EMAIL,
    )
    form_changes = {k.removeprefix("form_"): v for k, v in changes.items() if k.startswith("form_")}
    top = {k: v for k, v in changes.items() if not k.startswith("form_")}
    return InformationRequestSubmission(form=replace(form, **form_changes), **{"opd": "dinkes", **top})


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def config() -> GatewayConfig:
    """Three OPDs, two routing rules (the service never needs their connectors' settings)."""
    return GatewayConfig.model_validate(yaml.safe_load(_CONFIG))


@pytest.fixture
def cipher() -> PersonalDataCipher:
    """A cipher with a fixed test key."""
    return PersonalDataCipher(bytes(range(32)))


@pytest.fixture
def clock() -> Clock:
    """Starts at :data:`NOW`."""
    return Clock()


@pytest.fixture
async def ledger(database_url: str) -> AsyncIterator[Ledger]:
    """A migrated ledger on each backend."""
    ledger = await Ledger.open(DatabaseConfig(url=database_url))
    try:
        await ledger.migrate()
        yield ledger
    finally:
        await ledger.aclose()


def _options(clock: Clock, overrides: dict[str, Any]) -> dict[str, Any]:
    """The services' keyword arguments: intake at dinkes, the test calendar and clock, then ``overrides``."""
    return {
        "accepts_intake": INTAKE_OPDS.__contains__,
        "calendar": LedgerCalendarSource(official=official_days_off),
        "clock": clock,
        **overrides,
    }


@pytest.fixture
def make_service(
    ledger: Ledger, cipher: PersonalDataCipher, config: GatewayConfig, clock: Clock
) -> Callable[..., RequestService]:
    """Builds a service; keyword arguments override the defaults."""

    def make(**overrides: Any) -> RequestService:
        options = _options(clock, overrides)
        return RequestService(options.pop("ledger", ledger), cipher, config, **options)

    return make


@pytest.fixture
def service(make_service: Callable[..., RequestService]) -> RequestService:
    """The service with the defaults."""
    return make_service()


@pytest.fixture
def make_desk(
    ledger: Ledger, cipher: PersonalDataCipher, config: GatewayConfig, clock: Clock
) -> Callable[..., OfficerDesk]:
    """Builds an officer desk on the services' ledger, calendar and clock; keyword arguments override."""

    def make(**overrides: Any) -> OfficerDesk:
        options = _options(clock, overrides)
        return OfficerDesk(options.pop("ledger", ledger), cipher, config, **options)

    return make


@pytest.fixture
def desk(make_desk: Callable[..., OfficerDesk]) -> OfficerDesk:
    """The officer desk with the defaults."""
    return make_desk()
