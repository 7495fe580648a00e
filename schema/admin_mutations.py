"""PPID Utama's administration over GraphQL: ``invalidateCache``.

After an OPD republished its documents (or fixed a wrong one), the portal
should not wait for the cache to expire. ``invalidateCache(opd)`` drops that
OPD's cached upstream answers and every whole cached answer (they may span
every OPD), on every replica sharing the cache; without ``opd`` it drops
everything. It needs an officer key of PPID Utama: ``UNAUTHENTICATED``
without a valid key, ``FORBIDDEN`` for any other officer, ``BAD_USER_INPUT``
for an unknown OPD.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from cache import CacheUnavailable
from gateway.invalidation import CacheInvalidation
from gateway.officers import require_cache_admin

from .errors import user_errors
from .officer_access import SERVICE_UNAVAILABLE, officer_errors, signed_in_officer

_NO_CACHE = "This gateway runs without a cache, so there is nothing to drop."
_CACHE_DOWN = (
    "The cache did not answer, so what it holds of this OPD may still be served; try again in a moment "
    "(GET /readyz shows the cache's state)."
)


@strawberry.type
class AdminMutations:
    """PPID Utama's mutations, merged into the root ``Mutation``."""

    @strawberry.mutation(
        description="PPID Utama only: drop what the gateway has cached of one OPD (its upstream answers, "
        "and every whole cached answer, which may include it), or of every OPD when `opd` is null, on "
        "every replica. Returns how many cache entries were dropped."
    )
    async def invalidate_cache(self, info: strawberry.Info, opd: strawberry.ID | None = None) -> int:
        from .queries import check_slugs  # queries → officer_queries → mutations → here

        officer = signed_in_officer(info)
        with officer_errors():
            require_cache_admin(officer)
        slug = None if opd is None else check_slugs(info, [str(opd)], "opd")[0]
        invalidation: CacheInvalidation | None = info.context.invalidation
        if invalidation is None:
            raise GraphQLError(_NO_CACHE, extensions={"code": SERVICE_UNAVAILABLE})
        with user_errors():
            try:
                return await invalidation.invalidate(slug, by=officer.id)
            except CacheUnavailable:
                raise GraphQLError(_CACHE_DOWN, extensions={"code": SERVICE_UNAVAILABLE}) from None
