"""/renditions/{id}/file: a whole file through the API, under the portal's rule (downloads/access.py) and logged
as the portal logs its downloads (downloads/delivery.send_logged), Range and If-Range included.

Anonymous callers get what the portal gives anyone (open files). A token acts as its owner only when it carries
the `download` scope: a read-only token is refused rather than quietly downloading as nobody.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path as PathParam
from ninja import Router

from newsreel.api.auth import caller_of, require_scope
from newsreel.api.errors import ApiError, not_found, with_errors
from newsreel.api.models import Scope
from newsreel.api.representations import absolute
from newsreel.catalogue.models import Access, Rendition
from newsreel.downloads.access import Verdict, may_download
from newsreel.downloads.delivery import rendition_filename, send_logged
from newsreel.media.content import ATTACHMENT_TYPE, media_type_of

router = Router(tags=["downloads"])

RENDITION_ID = PathParam(..., ge=1, le=2**31 - 1, description="The rendition's id, as in an item's `renditions`.")


def refused(request: HttpRequest, verdict: Verdict) -> ApiError:
    """The API's answer for a portal verdict other than ALLOWED: what the caller lacks, in the one error body."""
    if verdict == Verdict.SIGN_IN:
        return ApiError(401, "unauthorized", _("This needs an API token."),
                        headers={"WWW-Authenticate": 'Bearer realm="api"'})
    if verdict == Verdict.VERIFY:
        return ApiError(403, "email_not_verified",
                        _("Verify your e-mail address on the portal before downloading."))
    if verdict == Verdict.TERMS:
        return ApiError(403, "terms_not_accepted", _("Accept the current terms of use on the portal first: %(url)s")
                        % {"url": absolute(request, reverse("accounts:terms"))})
    return not_found(_("No such file."))


def download_caller(request: HttpRequest) -> None:
    """A token must carry the download scope to act as its owner; anonymous callers stay anonymous."""
    if caller_of(request).token is not None:
        require_scope(request, Scope.DOWNLOAD)


def as_sent(request: HttpRequest) -> HttpRequest:
    """v1's wrapper answers HEAD as GET; files send no body and log nothing for HEAD, so give it back."""
    if request.META.get("REQUEST_METHOD") == "HEAD":
        request.method = "HEAD"
    return request


@router.get("/{rendition_id}/file", response=with_errors({200: None, 206: None, 304: None}, 403, 416),
            summary="Download a file", operation_id="rendition_file")
def rendition_file(request: HttpRequest, rendition_id: int = RENDITION_ID) -> Any:
    """The whole file, as the portal's download link sends it (Range, If-Range, ETag), logged in the caller's
    download history. Needs the `download` scope when called with a token."""
    download_caller(request)
    rendition = Rendition.objects.select_related("item").filter(pk=rendition_id).first()
    if rendition is None:
        raise not_found(_("No such file."))
    verdict = may_download(request.user, rendition)
    if verdict != Verdict.ALLOWED:
        raise refused(request, verdict)
    path = Path(rendition.file.path)
    if not path.is_file():
        raise not_found(_("No such file."))
    cache = "public, max-age=3600" if rendition.effective_access == Access.OPEN else "private, max-age=0"
    return send_logged(as_sent(request), path, media_name=rendition.file.name or "",
                       content_type=media_type_of(path) or ATTACHMENT_TYPE, sha256=rendition.sha256,
                       filename=rendition_filename(rendition),
                       item_id=rendition.item_id, rendition_id=rendition.pk, role=rendition.role,
                       cache_control=cache)
