"""Background jobs: Django's tasks interface (the django-tasks backport) with the database
as the queue (django-tasks-db), retries with backoff, progress, and ``chancery worker``."""
