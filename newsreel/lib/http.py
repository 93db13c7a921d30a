"""Serving files over HTTP the way RFC 9110 asks: validators, conditional requests and single byte ranges.

Multi-range and malformed Range headers are answered with the whole file (RFC 9110 allows ignoring Range), never
with multipart/byteranges, which few download clients need and which is an easy amplification vector.
Memory stays flat: files are streamed in fixed-size chunks.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from newsreel.media.numbers import whole_number

CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single range asked for, None to send the whole file, or Unsatisfiable.

    A number past any file's size means "past the end", however many digits it has (RFC 9110 sets no limit)."""
    header = header.strip()
    if "," in header:
        return None
    m = _RANGE.match(header)
    if not m or (m[1] == "" and m[2] == ""):
        return None
    first, last = m[1], m[2]
    if first == "":  # suffix: the last N bytes
        n = whole_number(last, saturate=True)
        if n == 0:
            raise Unsatisfiable
        return ByteRange(max(0, size - n), size - 1) if size else None
    start = whole_number(first, saturate=True)
    end = whole_number(last, saturate=True) if last else size - 1
    if last and end < start:
        return None  # syntactically invalid: ignore
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(end, size - 1))


def strong_etag(sha256: str | None, path: Path) -> str:
    if sha256:
        return f'"{sha256[:40]}"'
    st = path.stat()
    return f'"{st.st_size:x}-{st.st_mtime_ns:x}"'


def _etag_matches(header: str, etag: str) -> bool:
    return header.strip() == "*" or etag in [tag.strip() for tag in header.split(",")]


def _not_modified_since(header: str, mtime: float) -> bool:
    try:
        since = parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    return int(mtime) <= since


def content_disposition(filename: str, attachment: bool = True) -> str:
    """RFC 6266 with an ASCII fallback and the UTF-8 name in filename*."""
    kind = "attachment" if attachment else "inline"
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[^A-Za-z0-9._()\[\] +-]', "_", ascii_name).strip() or "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _chunks(path: Path, start: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        fh.seek(start)
        remaining = length
        while remaining > 0:
            block = fh.read(min(CHUNK, remaining))
            if not block:
                return
            remaining -= len(block)
            yield block


def serve_file(request: HttpRequest, path: Path, *, content_type: str, sha256: str | None = None,
               filename: str | None = None, attachment: bool = False, cache_control: str = "private, max-age=0",
               ) -> HttpResponse | StreamingHttpResponse:
    """A GET/HEAD response for `path` honouring If-None-Match, If-Modified-Since, Range and If-Range."""
    st = os.stat(path)
    size = st.st_size
    etag = strong_etag(sha256, path)
    last_modified = formatdate(st.st_mtime, usegmt=True)

    def headers(response: HttpResponse | StreamingHttpResponse) -> None:
        response["ETag"] = etag
        response["Last-Modified"] = last_modified
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = cache_control
        response["X-Content-Type-Options"] = "nosniff"
        if filename:
            response["Content-Disposition"] = content_disposition(filename, attachment)

    if_none_match = request.headers.get("If-None-Match")
    if (if_none_match and _etag_matches(if_none_match, etag)) or (
            not if_none_match and request.headers.get("If-Modified-Since")
            and _not_modified_since(request.headers["If-Modified-Since"], st.st_mtime)):
        not_modified = HttpResponse(status=304)
        headers(not_modified)
        return not_modified

    byte_range: ByteRange | None = None
    range_header = request.headers.get("Range")
    if range_header and request.method == "GET" and _if_range_allows(request.headers.get("If-Range"), etag,
                                                                      st.st_mtime):
        try:
            byte_range = parse_range(range_header, size)
        except Unsatisfiable:
            unsatisfiable = HttpResponse(status=416)
            headers(unsatisfiable)
            unsatisfiable["Content-Range"] = f"bytes */{size}"
            return unsatisfiable

    start, length, status = (byte_range.start, byte_range.length, 206) if byte_range else (0, size, 200)
    response: HttpResponse | StreamingHttpResponse
    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    else:
        response = StreamingHttpResponse(_chunks(Path(path), start, length), status=status,
                                         content_type=content_type)
    headers(response)
    response["Content-Length"] = str(length)
    if byte_range:
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    return response


def _if_range_allows(if_range: str | None, etag: str, mtime: float) -> bool:
    """Honour Range only if If-Range is absent or still matches (strong comparison)."""
    if not if_range:
        return True
    if_range = if_range.strip()
    if if_range.startswith('"') or if_range.startswith("W/"):
        return if_range == etag
    try:
        return int(mtime) == int(parsedate_to_datetime(if_range).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return False


def accel_redirect(internal_uri: str, *, content_type: str, filename: str | None = None, attachment: bool = True,
                   cache_control: str = "private, max-age=0") -> HttpResponse:
    """Hand the bytes to nginx: it answers Range, If-Range and the conditional headers itself.

    nginx keeps Content-Type, Content-Disposition and Cache-Control from this response and makes its own
    validators from the file, so Django sends none.
    """
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = internal_uri
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        response["Content-Disposition"] = content_disposition(filename, attachment)
    return response
