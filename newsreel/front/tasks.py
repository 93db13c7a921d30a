from __future__ import annotations

from django_tasks import task

from newsreel.catalogue.models import Item
from newsreel.front.demo import make_demo_video


@task(queue_name="media")
def generate_demo_video(item_id: int, index: int, seconds: float) -> None:
    """Demo content: a test-pattern master, then the normal ingest pipeline."""
    item = Item.objects.get(pk=item_id)
    if not item.renditions.exists():
        make_demo_video(item=item, index=index, seconds=seconds)
