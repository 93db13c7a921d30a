"""Resumable master uploads for staff: the core of tus 1.0 (https://tus.io/protocols/resumable-upload), with
its creation and termination extensions, no more.

    POST   /editorial/items/{reference}/uploads   Upload-Length: n        -> 201, Location: .../uploads/{id}
    PATCH  /editorial/uploads/{id}   Upload-Offset: k, application/offset+octet-stream -> 204, Upload-Offset
    HEAD   /editorial/uploads/{id}                                         -> Upload-Offset (to resume)
    DELETE /editorial/uploads/{id}                                         -> 204

No maintained Django tus server exists on PyPI (django-tus was last released in 2020), and the core is small.
Chunks stream to a file beside the media root in 64 KiB reads, never whole in memory; an offset that is not
the file's length is a 409 (a chunk sent twice, or out of order); a lock on the file serialises PATCHes. The
size is bounded by the ingest's limit (NEWSREEL_MAX_UPLOAD_BYTES), the open uploads per user by
MAX_OPEN_UPLOADS; an upload left unfinished for a day is dropped. The whole file goes to the ingest service
(ingest_file) as an admin upload does, which makes the renditions.

State lives on disk (a JSON file beside the part), not in a table: one host receives an upload (uploads under
several hosts need the media root shared, as renditions already do).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path as PathParam
from ninja import Router, Schema, Status

from newsreel.api.editorial import REFERENCE, editor
from newsreel.api.errors import ApiError, not_found, with_errors
from newsreel.api.representations import API_ROOT, absolute
from newsreel.catalogue.models import Item
from newsreel.ingest.models import IngestJob
from newsreel.ingest.services import ingest_file

router = Router(tags=["editorial"])

TUS_VERSION = "1.0.0"
MAX_OPEN_UPLOADS = 3  # per user: each holds disk space until it ends
STALE_AFTER = dt.timedelta(days=1)
READ_SIZE = 64 * 1024
UPLOAD_ID = PathParam(..., pattern=r"^[0-9a-f]{32}$", description="The upload's id.")


class UploadOut(Schema):
    id: str
    url: str
    item: str
    length: int
    offset: int
    complete: bool
    ingest_status: str | None  # once complete: the ingest job's status (queued, running, done, failed)
    ingest_message: str | None


def _tus_headers(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _root(user: User) -> Path:
    return Path(settings.MEDIA_ROOT) / "uploads" / "api" / str(user.pk)


def _paths(user: User, uid: str) -> tuple[Path, Path]:
    root = _root(user)
    return root / f"{uid}.json", root / f"{uid}.part"


def _read_state(user: User, uid: str) -> dict[str, Any]:
    meta, _part = _paths(user, uid)
    try:
        return dict(json.loads(meta.read_text()))
    except (OSError, ValueError) as exc:
        raise not_found(_("No such upload.")) from exc


def _write_state(user: User, uid: str, state: dict[str, Any]) -> None:
    meta, _part = _paths(user, uid)
    tmp = meta.with_suffix(".tmp")
    tmp.write_text(json.dumps(state))
    os.replace(tmp, meta)


def _open_uploads(user: User) -> int:
    """Unfinished uploads of the user; stale ones are dropped on the way."""
    count = 0
    now = timezone.now()
    for meta in _root(user).glob("*.json"):
        try:
            state = json.loads(meta.read_text())
        except (OSError, ValueError):
            continue
        if state.get("job") is not None:
            continue
        if now - dt.datetime.fromisoformat(state["created"]) > STALE_AFTER:
            meta.with_suffix(".part").unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
            continue
        count += 1
    return count


def _tus_version(request: HttpRequest) -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise ApiError(412, "tus_version", _("Send Tus-Resumable: %(version)s.") % {"version": TUS_VERSION},
                       headers={"Tus-Version": TUS_VERSION})


def _header_number(request: HttpRequest, name: str) -> int:
    raw = request.headers.get(name, "")
    if not raw.isdigit() or len(raw) > 20:
        raise ApiError(400, "bad_request", _("The %(name)s header must be a whole number.") % {"name": name})
    return int(raw)


def _filename(request: HttpRequest) -> str:
    """The name the client gave the file (Upload-Metadata `filename`, base64), for people only: never a path."""
    for pair in request.headers.get("Upload-Metadata", "").split(","):
        key, _space, value = pair.strip().partition(" ")
        if key == "filename":
            try:
                return base64.b64decode(value, validate=True).decode()[:200]
            except (binascii.Error, UnicodeDecodeError):
                return ""
    return ""


def _out(request: HttpRequest, user: User, uid: str, state: dict[str, Any]) -> dict[str, Any]:
    _meta, part = _paths(user, uid)
    job = IngestJob.objects.filter(pk=state["job"]).first() if state.get("job") else None
    offset = state["length"] if state.get("job") else (part.stat().st_size if part.exists() else 0)
    return {"id": uid, "url": absolute(request, f"{API_ROOT}/editorial/uploads/{uid}"), "item": state["item"],
            "length": state["length"], "offset": offset, "complete": bool(state.get("job")),
            "ingest_status": job.status if job else None, "ingest_message": (job.message or None) if job else None}


@router.post("/items/{reference}/uploads", response=with_errors({201: UploadOut}, 403, 412, 413),
             summary="Start a master upload (tus)", operation_id="upload_create")
def upload_create(request: HttpRequest, response: HttpResponse, reference: str = REFERENCE) -> Any:
    """Start a resumable upload of the item's master (tus 1.0 creation): send `Tus-Resumable: 1.0.0` and
    `Upload-Length`, optionally `Upload-Metadata: filename <base64>`; then PATCH the bytes to `Location`."""
    user = editor(request)
    _tus_version(request)
    item = Item.objects.filter(reference=reference).first()
    if item is None:
        raise not_found(_("No such item."))
    length = _header_number(request, "Upload-Length")
    if length == 0 or length > settings.NEWSREEL_MAX_UPLOAD_BYTES:
        raise ApiError(413, "too_large", _("A master can be at most %(n)d bytes.") % {
            "n": settings.NEWSREEL_MAX_UPLOAD_BYTES}, headers={"Tus-Max-Size": str(settings.NEWSREEL_MAX_UPLOAD_BYTES)})
    _root(user).mkdir(parents=True, exist_ok=True)
    uid = uuid.uuid4().hex
    state = {"item": item.reference, "length": length, "filename": _filename(request),
             "created": timezone.now().isoformat(), "job": None}
    # Counted and made under the user's lock, so that parallel requests cannot all pass the count.
    with (_root(user) / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _open_uploads(user) >= MAX_OPEN_UPLOADS:
            raise ApiError(429, "too_many_uploads", _("Finish or cancel an upload before starting another."),
                           headers={"Retry-After": "60"})
        _paths(user, uid)[1].touch()
        _write_state(user, uid, state)
    body = _out(request, user, uid, state)
    response["Location"] = body["url"]
    _tus_headers(response)
    return Status(201, body)


@router.get("/uploads/{upload_id}", response=with_errors({200: UploadOut}, 403), summary="An upload (HEAD: tus)",
            operation_id="upload_detail")
def upload_detail(request: HttpRequest, response: HttpResponse, upload_id: str = UPLOAD_ID) -> Any:
    """Where the upload stands: HEAD answers `Upload-Offset` (resume from there) and `Upload-Length`; the body
    says, once complete, how the ingest of the master goes."""
    user = editor(request)
    state = _read_state(user, upload_id)
    body = _out(request, user, upload_id, state)
    response["Upload-Offset"] = str(body["offset"])
    response["Upload-Length"] = str(state["length"])
    _tus_headers(response)
    return body


@contextmanager
def _locked(part: Path) -> Iterator[Any]:
    with part.open("ab") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ApiError(423, "locked", _("Another request is writing this upload.")) from exc
        try:
            yield fh
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _receive(request: HttpRequest, fh: Any, room: int) -> None:
    """Append the body to the file as it arrives, at most `room` bytes; what came before a broken connection
    stays (tus: the client resumes from the offset HEAD then gives)."""
    while room > 0:
        try:
            chunk = request.read(min(READ_SIZE, room))
        except OSError:
            break
        if not chunk:
            break
        fh.write(chunk)
        room -= len(chunk)
    fh.flush()
    os.fsync(fh.fileno())


@router.patch("/uploads/{upload_id}", response=with_errors({204: None}, 403, 409, 412, 413, 415, 423),
              summary="Send bytes of an upload (tus)", operation_id="upload_patch")
def upload_patch(request: HttpRequest, response: HttpResponse, upload_id: str = UPLOAD_ID) -> Any:
    """Append the body (`Content-Type: application/offset+octet-stream`) at `Upload-Offset`, which must be the
    upload's current offset (409 otherwise). The last byte hands the master to the ingest."""
    user = editor(request)
    _tus_version(request)
    if request.content_type != "application/offset+octet-stream":
        raise ApiError(415, "unsupported_media_type", _("Send the bytes as application/offset+octet-stream."))
    state = _read_state(user, upload_id)
    if state.get("job"):
        raise ApiError(409, "offset_mismatch", _("This upload is complete."),
                       headers={"Upload-Offset": str(state["length"])})
    offset = _header_number(request, "Upload-Offset")
    _meta, part = _paths(user, upload_id)
    with _locked(part) as fh:
        current = part.stat().st_size
        if offset != current:
            raise ApiError(409, "offset_mismatch", _("The upload is at byte %(n)d.") % {"n": current},
                           headers={"Upload-Offset": str(current)})
        # The WSGI server reads no body without a length (chunked requests): say so, rather than store nothing.
        declared = _header_number(request, "Content-Length")
        if current + declared > state["length"]:
            raise ApiError(413, "too_large", _("This would pass the upload's length."))
        _receive(request, fh, state["length"] - current)
        now_at = part.stat().st_size
    if now_at == state["length"]:
        _complete(user, upload_id, state, part)
    response["Upload-Offset"] = str(now_at)
    _tus_headers(response)
    return Status(204, None)


def _complete(user: User, uid: str, state: dict[str, Any], part: Path) -> None:
    item = Item.objects.get(reference=state["item"])
    job = ingest_file(item=item, source=part, move=True, source_name=state["filename"] or None)
    part.unlink(missing_ok=True)  # moved by the ingest, or refused (the job says why)
    state["job"] = job.pk
    _write_state(user, uid, state)


@router.delete("/uploads/{upload_id}", response=with_errors({204: None}, 403), summary="Cancel an upload (tus)",
               operation_id="upload_delete")
def upload_delete(request: HttpRequest, response: HttpResponse, upload_id: str = UPLOAD_ID) -> Any:
    user = editor(request)
    _read_state(user, upload_id)
    meta, part = _paths(user, upload_id)
    part.unlink(missing_ok=True)
    meta.unlink(missing_ok=True)
    _tus_headers(response)
    return Status(204, None)
