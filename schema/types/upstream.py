"""The health of each OPD's upstream system, for the monitoring dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from gateway.federation import UpstreamHealth as UpstreamHealthRecord
from gateway.federation import UpstreamStatusCode

if TYPE_CHECKING:
    from .opd import Opd


@strawberry.type(description="How one OPD's system answers right now.")
class UpstreamHealth:
    source: strawberry.Private[UpstreamHealthRecord]

    @strawberry.field
    def opd(self, info: strawberry.Info) -> Annotated[Opd, strawberry.lazy(".opd")]:
        from .opd import Opd

        return Opd.for_slug(info, self.source.opd)

    @strawberry.field(description="The connector kind that reaches it.")
    def connector(self) -> str:
        return self.source.connector

    @strawberry.field
    def status(self) -> UpstreamStatusCode:
        return self.source.status

    @strawberry.field(description="How long the probe took, in milliseconds.")
    def latency_ms(self) -> float | None:
        return self.source.latency_ms

    @strawberry.field(description="What went wrong, when it did.")
    def last_error(self) -> str | None:
        return self.source.last_error

    @strawberry.field(
        description="The circuit breaker: CLOSED (calls flow), OPEN (calls stopped), HALF_OPEN."
    )
    def circuit(self) -> str:
        return self.source.circuit
