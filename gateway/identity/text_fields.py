"""Free-text form fields (names, addresses, the details of a request): trimmed and bounded.

A :class:`TextField` says what the field is called in both languages and how
long it may be; :meth:`TextField.clean` returns the trimmed text or raises
:class:`InvalidField` with a message that names the field and the limit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import InvalidField

__all__ = ["TextField"]

_SPACES = re.compile(r"[^\S\n]+")
_ALLOWED_CONTROLS = frozenset("\n")


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text)


@dataclass(frozen=True)
class TextField:
    """One free-text field of a form."""

    label_en: str
    """What it is, in an English sentence: ``your full name``."""
    label_id: str
    """What it is, in Bahasa Indonesia, as a sentence starts: ``Nama lengkap``."""
    minimum: int = 1
    maximum: int = 200
    multiline: bool = False
    """Whether line breaks are kept (the details of a request); else all whitespace becomes one space."""

    def clean(self, text: str | None, *, field: str) -> str:
        """``text`` trimmed (and, single-line, with runs of whitespace made one space).

        Raises :class:`InvalidField` when it is blank, out of bounds, holds
        control characters, or has no letter or digit.
        """
        en, id_ = self.label_en, self.label_id
        subject = en[:1].upper() + en[1:]
        cleaned = self._normalize(text or "")
        if not cleaned:
            raise InvalidField(field, f"Enter {en}.", f"{id_} wajib diisi.")
        if _has_control(cleaned):
            raise InvalidField(
                field,
                f"{subject} contains characters that cannot be stored; remove them.",
                f"{id_} mengandung karakter yang tidak dapat disimpan; hapus karakter tersebut.",
            )
        if not any(c.isalnum() for c in cleaned):
            raise InvalidField(
                field,
                f"{subject} must contain letters or digits.",
                f"{id_} harus berisi huruf atau angka.",
            )
        if len(cleaned) < self.minimum:
            raise InvalidField(
                field,
                f"{subject} is too short: write at least {self.minimum} characters.",
                f"{id_} terlalu pendek: tulis paling sedikit {self.minimum} karakter.",
            )
        if len(cleaned) > self.maximum:
            raise InvalidField(
                field,
                f"{subject} is too long: write at most {self.maximum} characters.",
                f"{id_} terlalu panjang: tulis paling banyak {self.maximum} karakter.",
            )
        return cleaned

    def clean_optional(self, text: str | None, *, field: str) -> str | None:
        """Like :meth:`clean`, but a blank or missing value is ``None``."""
        if text is None or not text.strip():
            return None
        return self.clean(text, field=field)

    def _normalize(self, text: str) -> str:
        # NFC so that a name typed on two keyboards is one value (and one length)
        text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
        if self.multiline:
            lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
            return "\n".join(lines).strip()
        return " ".join(text.split())
