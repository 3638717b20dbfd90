"""Background work of Glass Accounts publishing: validating and publishing large files."""

from django_tasks import task


@task()
def budget_batch_validate(batch_id: int) -> dict[str, object]:
    from .imports import batch_validate
    from .models import ImportBatch

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return {"missing": batch_id}
    batch = batch_validate(batch)
    return {"status": batch.status, "rows": batch.rows_total, "invalid": batch.rows_invalid}


@task()
def budget_batch_publish(batch_id: int, actor_id: int | None = None) -> dict[str, object]:
    """Idempotent: a batch already published is left alone."""
    from django.contrib.auth import get_user_model

    from .imports import batch_publish
    from .models import ImportBatch

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status == ImportBatch.Status.PUBLISHED:
        return {"skipped": batch_id}
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    batch = batch_publish(batch, actor=actor)
    return {"status": batch.status, "published": batch.rows_published}
