"""Settings for the fault suite's `celery worker` and `celery beat` (tests/system/test_email_faults.py).

The test settings (so the suite's clock shift applies to these processes too), except that
tasks really go through the broker, as in production: the test settings run them inline, which
inside a worker would turn a retry's countdown into an immediate, nested run. Beat runs the
sweep every few seconds instead of every few minutes, so the suite fits in CI's time.
"""

import datetime as dt

from alma.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE = {
    "onboarding-sweep": {
        "task": "onboarding.tasks.onboarding_sweep",
        "schedule": dt.timedelta(seconds=3),
    },
}
