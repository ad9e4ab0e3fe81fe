"""`newsnote` run as a user runs it: a process of this interpreter, from the repository."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def newsnote(
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `newsnote ARGS…`; `env` is added to this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.app", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        input=stdin,
        env={**os.environ, **env} if env else None,
        timeout=timeout,
        check=False,
    )
