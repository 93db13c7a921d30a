from __future__ import annotations

from django_tasks import task

from newsreel.newsletter import sending
from newsreel.newsletter.models import Subscriber, Topic


@task(queue_name="mail")
def send_confirmation(subscriber_id: int, language: str, topic_ids: list[int]) -> None:
    from newsreel.newsletter.subscriptions import confirmation_send

    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is not None:
        valid = list(Topic.objects.filter(pk__in=topic_ids).values_list("pk", flat=True))
        confirmation_send(subscriber=subscriber, language=language, topic_ids=valid)


@task(queue_name="mail")
def send_batch(issue_id: int) -> int:
    """One batch of an issue; it queues the next one itself while work remains."""
    return sending.send_batch(issue_id=issue_id).sent


@task(queue_name="mail")
def start_scheduled_issue(issue_id: int) -> None:
    """Enqueued with run_after=send_at. A rescheduled issue's earlier task finds it not yet due and stops."""
    sending.start_due_issues(only=[issue_id])


@task(queue_name="mail")
def run_alerts() -> int:
    from newsreel.newsletter.alerts import alerts_run_due

    return alerts_run_due()
