"""A small, valid one-page PDF of an exact size: what a simulated OPD serves as a document file."""

from __future__ import annotations

import unicodedata

__all__ = ["pdf_bytes"]


def _pdf_text(text: str) -> str:
    # The built-in Helvetica font knows Latin-1 at best: fold accents and
    # dashes to ASCII, and escape the string delimiters.
    ascii_text = unicodedata.normalize("NFKD", text.replace("–", "-")).encode("ascii", "ignore").decode()
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _padding(length: int) -> bytes:
    """``length`` bytes of PDF comment lines (ignored by readers)."""
    lines = []
    while length > 0:
        take = min(length, 100) if length - min(length, 100) != 1 else 99
        lines.append(b"\n" if take == 1 else b"%" + b" " * (take - 2) + b"\n")
        length -= take
    return b"".join(lines)


def pdf_bytes(title: str, size: int | None = None) -> bytes:
    """A one-page PDF showing ``title``, padded with comments to exactly ``size`` bytes.

    ``size`` smaller than the bare document is ignored (the bare document is
    returned), so callers that advertise a size should keep it above 1 KB.
    """
    text = (
        f"BT /F1 14 Tf 56 780 Td ({_pdf_text(title)}) Tj "
        "0 -24 Td /F1 10 Tf (Dokumen simulasi ppid-gateway) Tj ET"
    ).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)

    def tail(xref_at: int) -> bytes:
        xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        xref += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        return xref + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            xref_at,
        )

    bare = len(body) + len(tail(len(body)))
    # The padding goes between the objects and the xref table, so only
    # startxref moves; its digit count can change with it, hence the loop.
    pad = max(0, (size or 0) - bare)
    while pad and len(body) + pad + len(tail(len(body) + pad)) > (size or 0):
        pad -= 1
    document = bytes(body) + _padding(pad) + tail(len(body) + pad)
    # When startxref gains a digit exactly at the boundary, one byte is left:
    # a line end after %%EOF, which readers accept.
    return document + b"\n" * max(0, (size or 0) - len(document))
