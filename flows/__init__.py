"""Prefect flows: wiring only; the logic lives in `newsfacts.pipeline`."""

import os
from pathlib import Path

# Quiet, reliable embedded runs on small machines (measured: see ../shared/STACK.md).
_PROJECT = Path(__file__).resolve().parent.parent
for _key, _value in {
    "PREFECT_HOME": str(_PROJECT / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "DASK_LOGGING__DISTRIBUTED": "warning",  # a LocalCluster logs every worker start at INFO
}.items():
    os.environ.setdefault(_key, _value)
