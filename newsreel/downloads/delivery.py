"""Send a file to a user and log it: Django streams it (counting bytes) or nginx does (X-Accel-Redirect)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from newsreel.catalogue.models import Rendition
from newsreel.downloads.models import Download, DownloadKind
from newsreel.lib.http import accel_redirect, serve_file
from newsreel.media.numbers import NotANumber, whole_number

Response = HttpResponse | StreamingHttpResponse


def organisation_of(user: User | AnonymousUser) -> str:
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return profile.organisation if profile is not None else ""


def rendition_filename(rendition: Rendition) -> str:
    return f"{rendition.item.reference}_{rendition.role}{Path(rendition.file.name or '').suffix.lower()}"


def start_log(request: HttpRequest, *, kind: str, item_id: int | None, rendition_id: int | None = None,
              role: str = "", clip_in: str = "", clip_out: str = "", offloaded: bool = False, range_start: int = 0,
              bytes_expected: int = 0) -> Download:
    user = request.user if request.user.is_authenticated else None
    return Download.objects.create(user=user, organisation=organisation_of(request.user), item_id=item_id,
                                   rendition_id=rendition_id, kind=kind, role=role, clip_in=clip_in,
                                   clip_out=clip_out, offloaded=offloaded, range_start=range_start,
                                   bytes_expected=bytes_expected)


def metered(chunks: Iterable[bytes], download_id: int, expected: int | None) -> Iterator[bytes]:
    """Count the bytes as they leave; record the total and whether it all went out, even on disconnect."""
    sent = 0
    try:
        for chunk in chunks:
            yield chunk
            sent += len(chunk)
    finally:
        completed = sent == expected if expected is not None else False
        # Runs before request_finished (the WSGI server closes the response, which closes this generator
        # first), so the request's database connection is still the one in use.
        Download.objects.filter(pk=download_id).update(bytes_sent=sent, completed=completed)


def metered_stream(chunks: Iterable[bytes], download_id: int) -> Iterator[bytes]:
    """For bodies of unknown length (ZIPs): complete when the generator ran to its end."""
    sent = 0
    done = False
    try:
        for chunk in chunks:
            yield chunk
            sent += len(chunk)
        done = True
    finally:
        Download.objects.filter(pk=download_id).update(bytes_sent=sent, bytes_expected=sent if done else 0,
                                                       completed=done)


def send_logged(request: HttpRequest, path: Path, *, media_name: str, content_type: str, sha256: str | None,
                filename: str, kind: str = DownloadKind.FILE, item_id: int | None, rendition_id: int | None = None,
                role: str = "", clip_in: str = "", clip_out: str = "", cache_control: str = "private, max-age=0",
                ) -> Response:
    """The one way files leave the portal. `media_name` is the file's name relative to MEDIA_ROOT."""
    prefix = settings.NEWSREEL_ACCEL_REDIRECT_PREFIX

    def log(*, offloaded: bool = False, range_start: int = 0, bytes_expected: int = 0) -> Download:
        return start_log(request, kind=kind, item_id=item_id, rendition_id=rendition_id, role=role,
                         clip_in=clip_in, clip_out=clip_out, offloaded=offloaded, range_start=range_start,
                         bytes_expected=bytes_expected)

    if prefix:
        response: Response = accel_redirect(prefix.rstrip("/") + "/" + quote(media_name), content_type=content_type,
                                            filename=filename, cache_control=cache_control)
        if request.method == "GET":
            log(offloaded=True, range_start=_range_start(request.headers.get("Range", "")))
        return response
    response = serve_file(request, path, content_type=content_type, sha256=sha256, filename=filename,
                          attachment=True, cache_control=cache_control)
    if isinstance(response, StreamingHttpResponse) and response.status_code in (200, 206):
        length = int(response["Content-Length"])
        start = 0
        if response.status_code == 206:
            start = int(response["Content-Range"].split()[1].split("-")[0])
        row = log(range_start=start, bytes_expected=length)
        response.streaming_content = metered(response.streaming_content, row.pk, length)  # type: ignore[arg-type]
    return response


def _range_start(header: str) -> int:
    # For the log only: nginx decides what it actually sends.
    if header.startswith("bytes=") and "," not in header:
        try:
            return whole_number(header[6:].split("-", 1)[0].strip(), saturate=True)
        except NotANumber:
            pass
    return 0

