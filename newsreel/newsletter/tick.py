"""The periodic check (`newsreel newsletter_tick`, every minute from cron or a systemd timer).

Deferred tasks already start scheduled issues and retries on time; the tick is the safety net for
backends without run_after, for chains whose worker died, and the clock of saved-search alerts.
"""

from __future__ import annotations

from typing import Any

from newsreel.newsletter.alerts import alerts_run_due
from newsreel.newsletter.sending import recover_stale_claims, restart_stalled, start_due_issues


def newsletter_tick() -> dict[str, Any]:
    recovered = recover_stale_claims()
    started = start_due_issues()
    restarted = restart_stalled()
    alerts = alerts_run_due()
    return {"recovered": recovered, "started": started, "restarted": restarted, "alerts": alerts}
