"""The issue's attack in a real browser: an HTML "rendition" that loads a JS "rendition" from the portal's own
origin. Neither may run: stored files that are not media are attachments, never documents or scripts."""

from __future__ import annotations

import hashlib
from pathlib import Path

from newsreel.catalogue.models import Access, Rendition, Role
from tests.factories import make_item

RUN_SCRIPT = """src => new Promise(resolve => {
  const s = document.createElement('script');
  s.src = src;
  s.onload = () => resolve(window.pwned === true ? 'ran' : 'loaded, did not run');
  s.onerror = () => resolve('refused');
  document.head.appendChild(s);
})"""


def _stored(item, role: str, data: bytes, mime: str, media_root: str) -> Rendition:
    path = Path(media_root) / "items" / item.reference / f"{role}.bin"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Rendition.objects.create(item=item, role=role, file=str(path.relative_to(media_root)), mime_type=mime,
                                    size=len(data), sha256=hashlib.sha256(data).hexdigest())


def test_a_stored_html_page_and_script_do_not_run_on_the_portals_origin(site, page, settings):
    item = make_item(access=Access.OPEN)
    script = _stored(item, Role.POSTER, b"window.pwned = true; document.title = 'pwned';", "application/javascript",
                     settings.MEDIA_ROOT)
    html = _stored(item, Role.WEB, f"<!doctype html><title>page</title><script src='/preview/{script.pk}/'>"
                   f"</script>".encode(), "text/html", settings.MEDIA_ROOT)
    # Opened directly, the "page" is a download, not a document of the portal's origin.
    try:
        page.goto(f"{site.url}/preview/{html.pk}/")
    except Exception as exc:  # Playwright reports a navigation that turns into a download as an error
        assert "Download is starting" in str(exc)
    assert page.title() != "pwned"
    # Loaded as a script by a page of the portal, the "script" is refused (octet-stream with nosniff).
    page.goto(f"{site.url}/en/media/{item.reference}/")
    assert page.evaluate(RUN_SCRIPT, f"/preview/{script.pk}/") == "refused"
    assert page.evaluate("() => window.pwned === true") is False
