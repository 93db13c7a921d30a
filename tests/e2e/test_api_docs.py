"""The API's browsable docs render in a real browser under the portal's strict CSP, from the portal's own files."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_under_the_csp_without_other_hosts(site: Any, page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{site.url}/api/v1/docs")
    assert response.status == 200
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    # Swagger UI draws the operations once it has read the OpenAPI document.
    page.locator(".opblock-summary-path", has_text="/api/v1/items/{reference}").first.wait_for()
    assert page.errors == []
    assert all(url.startswith(site.url) or url.startswith(("data:", "blob:")) for url in requested), requested
