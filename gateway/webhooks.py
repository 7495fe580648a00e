"""``POST /hooks/opd/{slug}``: an OPD tells the gateway its data changed, and the cache forgets it.

An OPD's system (or its webmaster's script) calls the hook after publishing,
so that citizens see the new document now rather than when the cache
expires. The call is signed with a secret shared with that OPD alone::

    X-PPID-Timestamp: 1767225600
    X-PPID-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the OPD's secret>

The timestamp is signed with the body, so a captured call cannot be sent
again later: it must be within :data:`REPLAY_WINDOW_S` of the gateway's
clock, and within that window each signature is accepted once (the shared
cache remembers it, so on every replica). The body itself is not read: send
``{}`` or a note of what changed. Answers: ``200 {"invalidated": n}``;
``404`` for an unknown OPD; ``403`` for an OPD without a configured secret;
``401`` for a missing, malformed or wrong signature and for a timestamp out
of the window (saying how far the clocks differ); ``409`` for a signature
already used; ``413`` for a body over :data:`MAX_BODY_BYTES`; ``503`` when
the cache could not be purged (the same call may then be sent again). The
secret and the signature are never logged nor echoed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse

from cache.keys import key
from cache.protocol import MISSING, Cache, CacheUnavailable

from .config import GatewayConfig
from .invalidation import CacheInvalidation

__all__ = [
    "MAX_BODY_BYTES",
    "MIN_SECRET_LENGTH",
    "REPLAY_WINDOW_S",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "OpdWebhook",
    "WebhookRefused",
    "check_signature",
    "sign",
    "webhook_secrets",
]

logger = logging.getLogger("ppid_gateway.webhooks")

TIMESTAMP_HEADER = "X-PPID-Timestamp"
SIGNATURE_HEADER = "X-PPID-Signature"
REPLAY_WINDOW_S = 300
"""How far (either way) a call's timestamp may be from the gateway's clock."""
MAX_BODY_BYTES = 64 * 1024
"""The largest body read; a hook needs none at all."""
MIN_SECRET_LENGTH = 16
"""A shorter secret can be guessed; such an OPD gets no webhook (and a startup error in the log)."""

_SCHEME = "sha256="
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """The ``X-PPID-Signature`` of ``body`` sent at ``timestamp``: ``sha256=`` and the hex HMAC."""
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return _SCHEME + mac.hexdigest()


class WebhookRefused(Exception):  # noqa: N818 - an answer, like ``Unauthenticated``
    """A call the hook does not act on: the HTTP status and what the caller should fix."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def check_signature(
    secret: bytes, timestamp: str | None, signature: str | None, body: bytes, *, now: float
) -> str:
    """Accept a call signed with ``secret`` within the replay window of ``now``; else :class:`WebhookRefused`.

    Returns the signature as checked (lower case), which the hook remembers
    to refuse a replay. It is compared in constant time; neither it nor the
    secret is ever quoted in a refusal.
    """
    if timestamp is None or signature is None:
        missing = TIMESTAMP_HEADER if timestamp is None else SIGNATURE_HEADER
        raise WebhookRefused(401, f"the {missing} header is missing; see docs/operations.md (cache webhook)")
    timestamp = timestamp.strip()
    if not _TIMESTAMP.fullmatch(timestamp):
        raise WebhookRefused(401, f"{TIMESTAMP_HEADER} must be the time of the call in unix seconds")
    skew = int(now) - int(timestamp)
    if abs(skew) > REPLAY_WINDOW_S:
        direction = "behind" if skew > 0 else "ahead of"
        raise WebhookRefused(
            401,
            f"{TIMESTAMP_HEADER} is {abs(skew)} s {direction} the gateway's clock; calls are accepted "
            f"within {REPLAY_WINDOW_S} s: sign each call with the current time, and keep the "
            "sending machine's clock synchronised (NTP)",
        )
    presented = signature.strip().lower()
    if not presented.startswith(_SCHEME) or not _HEX_DIGEST.fullmatch(presented.removeprefix(_SCHEME)):
        raise WebhookRefused(
            401, f"{SIGNATURE_HEADER} must be sha256= followed by the 64 hex digits of the HMAC-SHA256"
        )
    if not hmac.compare_digest(presented, sign(secret, timestamp, body)):
        raise WebhookRefused(
            401,
            "the signature does not match: sign the bytes '<timestamp>.<body>' exactly as sent, "
            "with this OPD's secret, using HMAC-SHA256",
        )
    return presented


def webhook_secrets(config: GatewayConfig, environ: Mapping[str, str] | None = None) -> dict[str, bytes]:
    """The webhook secret of each OPD that has one, read from the variables the config names.

    An OPD whose variable is unset, or holds fewer than
    :data:`MIN_SECRET_LENGTH` characters, gets no webhook, and the log says
    which variable to set (never its value). The gateway still starts: its
    queries do not depend on the hook.
    """
    env = os.environ if environ is None else environ
    secrets: dict[str, bytes] = {}
    for opd in config.opds:
        if opd.webhook_secret_env is None:
            continue
        value = env.get(opd.webhook_secret_env, "").strip()
        if len(value) < MIN_SECRET_LENGTH:
            logger.error(
                "opd %s: its cache webhook is off: set %s to a secret of at least %d characters "
                "(e.g. `openssl rand -hex 32`) and share it with the OPD",
                opd.slug,
                opd.webhook_secret_env,
                MIN_SECRET_LENGTH,
            )
            continue
        secrets[opd.slug] = value.encode("utf-8")
    return secrets


@dataclass(frozen=True, slots=True)
class _Seen:
    """Signatures already acted on, in the shared cache, for as long as they could be replayed."""

    cache: Cache

    @staticmethod
    def _key(slug: str, signature: str) -> str:
        # the key holds a digest of the signature, not the signature
        return key("webhook", slug, hashlib.sha256(signature.encode("ascii")).hexdigest())

    async def already(self, slug: str, signature: str) -> bool:
        """Whether ``signature`` was acted on before."""
        return await self.cache.get(self._key(slug, signature)) is not MISSING

    async def remember(self, slug: str, signature: str) -> None:
        """Refuse ``signature`` from now on, for as long as its timestamp is in the window."""
        await self.cache.set(self._key(slug, signature), b"1", ttl=2 * REPLAY_WINDOW_S)


class OpdWebhook:
    """The hook's endpoint; ``handle`` is the Starlette route's handler.

    The invalidation service and the cache are read from ``app.state``
    (``invalidation``, ``cache``), which the app's lifespan sets.
    """

    def __init__(
        self, config: GatewayConfig, secrets: Mapping[str, bytes], *, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self.secrets = dict(secrets)
        self._clock = clock

    async def handle(self, request: Request) -> JSONResponse:
        """Check the call and invalidate the OPD's cached data; see the module's docstring."""
        slug = str(request.path_params["slug"])
        try:
            invalidated = await self._accept(request, slug)
        except WebhookRefused as refusal:
            # %r: the slug comes from the URL, and must not be able to forge a log line
            logger.warning("cache webhook of opd %r refused (%d): %s", slug, refusal.status_code, refusal)
            return JSONResponse({"error": refusal.message}, status_code=refusal.status_code)
        return JSONResponse({"invalidated": invalidated})

    async def _accept(self, request: Request, slug: str) -> int:
        if self.config.opd(slug) is None:
            raise WebhookRefused(404, f"no OPD has the slug {slug!r} in this gateway")
        secret = self.secrets.get(slug)
        if secret is None:
            raise WebhookRefused(
                403,
                f"OPD {slug!r} has no webhook secret configured, so its webhook is off; the gateway's "
                "operator sets webhook_secret_env for this OPD (docs/operations.md)",
            )
        body = await _read_body(request)
        signature = check_signature(
            secret,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            body,
            now=self._clock(),
        )
        state = request.app.state
        cache: Cache | None = getattr(state, "cache", None)
        seen = None if cache is None else _Seen(cache)
        if seen is not None and await seen.already(slug, signature):
            raise WebhookRefused(
                409, "this signed call was already acted on; sign a new one with the current timestamp"
            )
        invalidation: CacheInvalidation = state.invalidation
        try:
            invalidated = await invalidation.invalidate(slug, by="webhook")
        except CacheUnavailable:
            raise WebhookRefused(
                503, "the cache did not answer, so the OPD's data may still be cached; send the call again"
            ) from None
        if seen is not None:  # remembered once acted on, so a call that failed above may be sent again
            await seen.remember(slug, signature)
        return invalidated


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    too_large = WebhookRefused(413, f"the body is larger than {MAX_BODY_BYTES} bytes; the hook needs none")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise too_large
    return body
