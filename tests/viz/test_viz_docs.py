"""/docs in a real browser: Swagger UI renders the OpenAPI 3.1 document offline and "Try it out" works."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_docs_render_and_try_it_out_works(ui_server, page, artifacts) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{ui_server}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert "Unable to render this definition" not in page.content()
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert len(summaries) >= 20 and "/health" in [s.strip() for s in summaries]

    operation = page.locator("#operations-health-health_health_get")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status").first
    status.wait_for(timeout=30_000)
    assert status.inner_text().strip() == "200"
    body = operation.locator(".live-responses-table .microlight, .live-responses-table pre").first.inner_text()
    assert '"status": "ok"' in body or '"status":"ok"' in body
    page.screenshot(path=artifacts / "docs_try_it_out.png", full_page=False)

    assert page.foreign(ui_server) == []
    assert page.errors == [] and refused == [], (page.errors, refused)
