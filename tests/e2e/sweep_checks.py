"""Checks the browser sweep runs on every page: overflow, media loading, distortion, axe-core, `<html lang>`.

Each check returns a list of human-readable problems (empty when the page passes)."""

from __future__ import annotations

from typing import Any

OVERFLOW = """() => {
  const vw = window.innerWidth;
  const sw = document.documentElement.scrollWidth;
  if (sw <= vw) return null;
  let widest = null, right = vw;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > right + 0.5) { right = r.right; widest = el; }
  }
  const cls = widest && typeof widest.className === 'string' && widest.className.trim()
    ? '.' + widest.className.trim().split(/\\s+/).join('.') : '';
  const name = widest ? widest.tagName.toLowerCase() + (widest.id ? '#' + widest.id : '') + cls : '?';
  return {scrollWidth: sw, innerWidth: vw, widest: name, right: Math.round(right)};
}"""

IMAGES = """() => Array.from(document.images).map(img => {
  const cs = getComputedStyle(img);
  const r = img.getBoundingClientRect();
  return {src: img.currentSrc || img.src, complete: img.complete, naturalWidth: img.naturalWidth,
          naturalHeight: img.naturalHeight, width: r.width, height: r.height, fit: cs.objectFit,
          visible: cs.display !== 'none' && cs.visibility !== 'hidden'};
})"""

EAGER = """() => { for (const img of document.images) img.loading = 'eager'; }"""

MEDIA_METADATA = """() => Promise.all(Array.from(document.querySelectorAll('audio, video')).map(m =>
  new Promise(resolve => {
    const src = m.currentSrc || m.src;
    const done = ok => resolve({src, ok, error: m.error && m.error.message});
    if (m.readyState >= 1) return done(true);
    m.addEventListener('loadedmetadata', () => done(true), {once: true});
    m.addEventListener('error', () => done(false), {once: true});
    setTimeout(() => done(false), 15000);
    m.preload = 'metadata';
    m.load();
  })))"""


def overflow(page: Any) -> list[str]:
    found = page.evaluate(OVERFLOW)
    if not found:
        return []
    return [f"horizontal overflow: scrollWidth {found['scrollWidth']} > innerWidth {found['innerWidth']}, "
            f"widest element {found['widest']} reaches {found['right']}px"]


def images(page: Any) -> list[str]:
    page.evaluate(EAGER)  # lazy images below the fold are checked too
    page.wait_for_load_state("networkidle")
    problems: list[str] = []
    for img in page.evaluate(IMAGES):
        if not img["complete"] or img["naturalWidth"] == 0:
            problems.append(f"image does not load: {img['src']}")
            continue
        if not img["visible"] or img["width"] == 0 or img["height"] == 0 or img["fit"] in ("contain", "cover"):
            continue
        natural = img["naturalWidth"] / img["naturalHeight"]
        rendered = img["width"] / img["height"]
        if abs(rendered / natural - 1) > 0.02:
            problems.append(f"distorted image {img['src']}: natural {img['naturalWidth']}×{img['naturalHeight']}, "
                            f"rendered {img['width']:.0f}×{img['height']:.0f} (object-fit {img['fit']})")
    return problems


def media(page: Any) -> list[str]:
    return [f"media does not reach loadedmetadata: {m['src']} ({m['error']})"
            for m in page.evaluate(MEDIA_METADATA) if not m["ok"]]


def axe(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:3])
        problems.append(f"axe {violation['impact']} {violation['id']}: {violation['help']} [{targets}]")
    return problems


def lang(page: Any, expected: str) -> list[str]:
    found = page.locator("html").get_attribute("lang")
    return [] if found == expected else [f"<html lang={found!r}>, expected {expected!r}"]
