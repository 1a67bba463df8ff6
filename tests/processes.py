"""Helpers for tests that start real servers and clusters as subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 30) -> None:
    """SIGTERM a process started with `start_new_session=True` and all its children, then
    SIGKILL the group if it lingers past `grace` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace)
