"""Settings for bench/bench_webhooks.py only: production settings plus a URLconf with a bare view."""
from helpdesk.settings import *  # noqa: F403

ROOT_URLCONF = "bench.webhooks_urls"

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic for a benchmark
