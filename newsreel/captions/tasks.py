from __future__ import annotations

from django_tasks import task

from newsreel.captions.recognition import run_recognition


# The media queue: recognising an hour of speech takes as long as a transcode, and nobody waits on a page.
@task(queue_name="media")
def recognise_task(cue_set_id: int) -> None:
    """Draft captions by speech recognition (see recognition.run_recognition)."""
    run_recognition(cue_set_id=cue_set_id)
