"""Screenshots of the portal's main pages at desktop and phone widths, for docs/screenshots/.

Usage: python tools/screenshots.py http://127.0.0.1:8000 docs/screenshots/after [--lang fr]
Runs against a served demo (`make run`); Debian's chromium through Playwright, as the browser tests.
"""

from __future__ import annotations

import argparse
import io
import re
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
MAX_HEIGHT = 2500


def first_link(base: str, path: str, pattern: str) -> str:
    html = urllib.request.urlopen(base + path).read().decode()  # noqa: S310 (a loopback demo)
    match = re.search(pattern, html)
    if not match:
        raise SystemExit(f"no link matching {pattern} on {path}")
    return match.group(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    base, lang = args.base.rstrip("/"), args.lang
    pages = {
        "home": f"/{lang}/",
        "video": first_link(base, f"/{lang}/media/?type=video", rf'href="(/{lang}/media/V-[0-9-]+/)"'),
        "photo": first_link(base, f"/{lang}/media/?type=photo", rf'href="(/{lang}/media/P-[0-9-]+/)"'),
        "audio": first_link(base, f"/{lang}/media/?type=audio", rf'href="(/{lang}/media/A-[0-9-]+/)"'),
        "article": first_link(base, f"/{lang}/news/", rf'href="(/{lang}/news/[^"/]+/[^"]*)"'),
        "search": f"/{lang}/search/?q=summit",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if lang == "en" else f"-{lang}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu",
                                           "--disable-background-networking"])
        for label, (width, height) in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for name, path in pages.items():
                page.goto(base + path, wait_until="networkidle")
                shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
                shot = shot.crop((0, 0, shot.width, min(shot.height, MAX_HEIGHT))).convert("RGB")
                shot = shot.quantize(colors=128)  # keeps the PNGs small enough to commit
                shot.save(args.out / f"{name}{suffix}-{label}.png", optimize=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
