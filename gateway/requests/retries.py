"""Retries with an idempotency key: the first answer again, access code included, nothing written twice.

A client that lost the response to a submission sends it again with the same
key. The access code is not stored, so it cannot be read back; it is derived
from the gateway's personal-data key, the idempotency key and the input
(:func:`~.access_codes.derived_access_code`), which only a retry with all three
reproduces. A keyed hash of the input (the fingerprint), saved with the key,
tells a retry from the same key sent with other input, which is refused on
``idempotencyKey``. Hashes are compared under every configured key, so that
a retry still matches while the personal-data key is being rotated.

Information requests and objections both submit through
:func:`register_once`, each in a scope of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from gateway.identity.crypto import PersonalDataCipher
from gateway.identity.errors import FieldProblem, InvalidInput
from gateway.ledger import DuplicateIdempotencyKey, IdempotencyRow, Ledger, LedgerTransaction, RequestRow

from .access_codes import derived_access_code, hash_access_code, new_access_code
from .submission import Receipt, receipt_of

__all__ = ["Retry", "register_once"]

# keyed-hash "fields": separate from the personal-data fields, so no hash doubles as another
_FINGERPRINT = "submission fingerprint"
_DERIVED_CODE = "access code"

Write = Callable[[LedgerTransaction, str], Awaitable[RequestRow]]
"""Writes a submission in the transaction given, with the access code's hash; returns its row."""


@dataclass(frozen=True, slots=True)
class Retry:
    """What makes two submissions one: the scope, the client's key, and the input as canonical text."""

    scope: str
    """``submit_information_request``, ``submit_objection``: a key is unique within its scope."""
    key: str | None
    """The client's idempotency key, trimmed; ``None`` when it sent none (every submission is new)."""
    canonical: str = field(repr=False)
    """The validated input as one text. It may hold personal data: it is only ever hashed with a key."""
    what: tuple[str, str] = ("request", "permohonan")
    """What is submitted, in English and Indonesian, for the refusal of a reused key."""

    def access_code(self, cipher: PersonalDataCipher) -> str:
        """The code for a new submission: derived when there is a key (a retry gets it again), else random."""
        if self.key is None:
            return new_access_code()
        return self._derived_codes(cipher)[0]

    def _derived_codes(self, cipher: PersonalDataCipher) -> tuple[str, ...]:
        """The code a retry gets, under each configured key (current first)."""
        hashes = cipher.keyed_hashes(_DERIVED_CODE, f"{self.key}\n{self.canonical}")
        return tuple(derived_access_code(value.rpartition(":")[2]) for value in hashes)

    async def find(self, tx: LedgerTransaction) -> IdempotencyRow | None:
        """The earlier submission with this key, or ``None`` (always ``None`` without a key)."""
        return None if self.key is None else await tx.find_idempotency(self.scope, self.key)

    async def save(self, tx: LedgerTransaction, cipher: PersonalDataCipher, request_id: int) -> None:
        """Tie the key to ``request_id`` (nothing without a key); raises :class:`DuplicateIdempotencyKey`."""
        if self.key is not None:
            fingerprint = cipher.keyed_hash(_FINGERPRINT, self.canonical)
            await tx.save_idempotency(self.scope, self.key, fingerprint=fingerprint, request_id=request_id)

    async def replay(
        self, tx: LedgerTransaction, cipher: PersonalDataCipher, saved: IdempotencyRow
    ) -> Receipt:
        """The receipt of the submission ``saved`` points at, if this retries it; else ``InvalidInput``."""
        fingerprints = cipher.keyed_hashes(_FINGERPRINT, self.canonical)
        if saved.fingerprint not in fingerprints:
            en, id_ = self.what
            raise InvalidInput(
                [
                    FieldProblem(
                        "idempotencyKey",
                        f"This idempotency key was already used for a different {en}. "
                        f"Send a retry with exactly the same input, or use a new key for a new {en}.",
                        f"Kunci idempotensi ini sudah dipakai untuk {id_} lain. "
                        "Kirim ulang dengan isian yang sama persis, atau gunakan kunci baru "
                        f"untuk {id_} baru.",
                    )
                ]
            )
        row = await tx.get_request(saved.request_id)
        assert row is not None  # an idempotency key always points at its request
        code = self._derived_codes(cipher)[fingerprints.index(saved.fingerprint)]
        return receipt_of(row, code, replayed=True)


async def register_once(ledger: Ledger, cipher: PersonalDataCipher, retry: Retry, write: Write) -> Receipt:
    """Write a submission in one transaction and return its receipt; a retry's first receipt instead.

    ``write`` inserts the row and whatever goes with it; the key is saved in
    the same transaction. The access code is hashed (slowly, on purpose)
    before the transaction begins, as on SQLite a transaction holds the
    file's write lock. A concurrent retry that commits first wins: ours is
    rolled back and answered with its receipt. Raises what ``write`` raises,
    and :class:`InvalidInput` for a key reused with other input.
    """
    if retry.key is not None:
        async with ledger.transaction() as tx:
            saved = await retry.find(tx)
            if saved is not None:
                return await retry.replay(tx, cipher, saved)
    code = retry.access_code(cipher)
    code_hash = await hash_access_code(code)
    try:
        async with ledger.transaction() as tx:
            # again, in the writing transaction: a retry may have committed while the code was hashed
            saved = await retry.find(tx)
            if saved is not None:
                return await retry.replay(tx, cipher, saved)
            row = await write(tx, code_hash)
            await retry.save(tx, cipher, row.id)
    except DuplicateIdempotencyKey as taken:
        async with ledger.transaction() as tx:
            return await retry.replay(tx, cipher, taken.existing)
    return receipt_of(row, code)
