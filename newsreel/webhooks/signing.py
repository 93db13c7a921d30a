"""The signature of a delivery: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret, sent as
`Newsreel-Signature: t=<unix time>,v1=<hex>` (one v1 per secret in force; two during a rotation's grace period).

`verify` is the receiver's side, as docs/webhooks.md describes it: any v1 matches, and the timestamp is recent
(a captured request replayed later is refused).
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Newsreel-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    return ",".join([f"t={timestamp}", *(f"v1={signature(s, timestamp, body)}" for s in secrets)])


def verify(secret: str, header: str, body: bytes, *, tolerance: int = TOLERANCE_SECONDS,
           now: float | None = None) -> bool:
    pairs = [part.split("=", 1) for part in header.split(",") if "=" in part]
    timestamps = [value for key, value in pairs if key.strip() == "t"]
    if len(timestamps) != 1 or not timestamps[0].strip().isdigit():
        return False
    timestamp = int(timestamps[0])
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, value.strip()) for key, value in pairs if key.strip() == "v1")
