"""Benchmark-only tasks, loaded into a benchmark's worker with `celery worker -I benchmarks.worker_tasks`.

The outbox benchmark's baseline: a task that takes the same argument as the per-row send
(an outbox row's id) and does nothing, so the same worker, broker, serializer and ack cost is
measured without the send. Never imported by the portal.
"""

from celery import shared_task


@shared_task(name="benchmarks.noop")
def noop(email_id: int) -> None:
    return None
