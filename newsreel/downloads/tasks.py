from __future__ import annotations

from django_tasks import task

from newsreel.downloads.clips import render_clip


# Its own queue: the user waits on a status page, so it must not sit behind ingest transcodes.
@task(queue_name="clips")
def render_clip_task(clip_id: int) -> None:
    """Render a queued clip (see clips.render_clip)."""
    render_clip(clip_id=clip_id)
