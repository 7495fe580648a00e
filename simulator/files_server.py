"""The document files every simulated OPD serves at ``/files/{local_id}.pdf``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from .pdf import pdf_bytes
from .seed import OpdSeed

__all__ = ["file_route"]


def file_route(seed: OpdSeed) -> Route:
    """``GET /files/{name}``: the document's PDF, exactly ``size_bytes`` long; 404 for any other name."""

    async def serve_file(request: Request) -> Response:
        name = request.path_params["name"]
        served = seed.file_named(name)
        if served is None:
            return PlainTextResponse("File not found", status_code=404)
        return Response(
            pdf_bytes(served.title, served.size_bytes),
            media_type=served.mime_type,
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )

    return Route("/files/{name}", serve_file, name="file")
