"""The periodic check (`newsreel webhooks_tick`, every minute from a systemd timer or `--loop 60`): what became
visible (embargoes that passed included) gets its deliveries, retries that are due are queued (with a
backend that cannot run tasks later, the tick is what retries), claims of dead workers are handed back, and
the log keeps NEWSREEL_WEBHOOKS_LOG_DAYS."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from newsreel.webhooks.scanning import prune_appearances, scan_all
from newsreel.webhooks.sending import prune_log, queue, queue_due, recover_stale_claims


def webhooks_tick() -> dict[str, Any]:
    recovered = recover_stale_claims()
    made = scan_all()
    queue(made)
    retried = queue_due()
    now = timezone.now()
    pruned = prune_appearances(now) + prune_log(now)
    return {"recovered": recovered, "made": len(made), "queued_again": retried, "pruned": pruned}
