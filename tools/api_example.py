#!/usr/bin/env python3
"""An example API session, holding only a personal token: search, fetch the first video found as NewsML-G2, ask
for a frame-accurate clip of it, wait for the clip and download it.

    NEWSREEL_API_TOKEN=nrl_... python3 tools/api_example.py --site https://media.example.org \\
        --query summit --tc-in 10:00:00:10 --tc-out 10:00:01:10 --out clips/

Standard library only, so that it runs wherever Python 3.11 does. Prints what it does; exits non-zero, with the
API's error message, on any failure. docs/api.md explains each call.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

CLIPPABLE = ("broadcast", "proxy", "master")  # video versions the portal cuts (the web video is a preview)


class ApiFailure(Exception):
    pass


class Session:
    def __init__(self, site: str, token: str) -> None:
        if urllib.parse.urlsplit(site).scheme not in ("http", "https"):
            raise ApiFailure(f"{site}: not an http(s) address")
        self.site = site.rstrip("/")
        self.token = token

    def call(self, method: str, url: str, body: Any = None) -> tuple[int, dict[str, str], bytes]:
        """One request; the status, headers and body. Error bodies become ApiFailure with the API's message."""
        if url.startswith("/"):
            url = self.site + url
        if not url.startswith(self.site + "/"):  # the token goes to the portal only, whatever a link says
            raise ApiFailure(f"{url}: not on {self.site}")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310 - checked above
            "Authorization": f"Bearer {self.token}", "Accept-Language": "en",
            **({"Content-Type": "application/json"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - checked above
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                message = json.loads(raw)["message"]
            except (ValueError, KeyError, TypeError):
                message = raw[:200].decode(errors="replace")
            raise ApiFailure(f"{method} {url}: {error.code} {message}") from error

    def json(self, method: str, url: str, body: Any = None) -> Any:
        return json.loads(self.call(method, url, body)[2])


def first_video(session: Session, query: str) -> str:
    found = session.json("GET", "/api/v1/search?" + urllib.parse.urlencode({"q": query, "type": "video"}))
    for hit in found["results"]:
        if hit["item"] is not None:
            return str(hit["item"]["reference"])
    raise ApiFailure(f"no video found for “{query}”")


def clippable_rendition(session: Session, reference: str) -> dict[str, Any]:
    item = session.json("GET", f"/api/v1/items/{urllib.parse.quote(reference)}")
    allowed = [r for r in item["renditions"] if r["role"] in CLIPPABLE and r["download"] == "allowed"]
    if not allowed:
        raise ApiFailure(f"{reference}: no version you may cut")
    return min(allowed, key=lambda r: CLIPPABLE.index(r["role"]))


def wait_for(session: Session, job: dict[str, Any], *, patience: float) -> dict[str, Any]:
    deadline = time.monotonic() + patience
    while job["status"] in ("queued", "running"):
        if time.monotonic() > deadline:
            raise ApiFailure(f"clip {job['id']} still {job['status']} after {patience:.0f} s")
        print(f"  {job['status']} {job['progress']:.0%}")
        time.sleep(1)
        job = session.json("GET", job["url"])
    if job["status"] != "ready":
        raise ApiFailure(f"clip {job['id']}: {job['error']['message'] if job['error'] else job['status']}")
    return job


def run(args: argparse.Namespace, token: str) -> Path:
    session = Session(args.site, token)
    reference = first_video(session, args.query)
    print(f"found {reference}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _status, _headers, newsml = session.call("GET", f"/api/newsml/items/{urllib.parse.quote(reference)}.xml")
    (out / f"{reference}.xml").write_bytes(newsml)
    print(f"NewsML-G2: {out / f'{reference}.xml'} ({len(newsml)} bytes)")
    rendition = clippable_rendition(session, reference)
    _status, headers, raw = session.call("POST", "/api/v1/clips", {
        "rendition": rendition["id"], "tc_in": args.tc_in, "tc_out": args.tc_out, "mode": "accurate"})
    job = json.loads(raw)
    print(f"clip {job['id']} of the {rendition['role']} version asked: {headers.get('Location')}")
    job = wait_for(session, job, patience=args.patience)
    _status, _headers, clip = session.call("GET", job["file"])
    target = out / Path(job["filename"]).name  # the name is the server's: keep only its last part
    target.write_bytes(clip)
    print(f"downloaded {target} ({len(clip)} bytes, {job['frames']} frames)")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", required=True, help="the portal's address, e.g. https://media.example.org")
    parser.add_argument("--query", required=True, help="what to search for")
    parser.add_argument("--tc-in", required=True, help="source timecode of the clip's first frame")
    parser.add_argument("--tc-out", required=True, help="source timecode of the frame after its last")
    parser.add_argument("--out", default=".", help="folder for the NewsML-G2 document and the clip")
    parser.add_argument("--patience", type=float, default=600, help="seconds to wait for the clip")
    args = parser.parse_args(argv)
    token = os.environ.get("NEWSREEL_API_TOKEN", "")
    if not token:
        print("Set NEWSREEL_API_TOKEN to a personal token with the download scope.", file=sys.stderr)
        return 2
    try:
        run(args, token)
    except ApiFailure as failure:
        print(failure, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
