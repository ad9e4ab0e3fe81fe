"""The process's Kiwi: its worker threads give way to the Python thread beside them."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from pipeline.analysis.kiwi import KIWI_NICE, get_kiwi, kiwi_threads


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread priorities: Linux")
def test_kiwi_workers_run_below_the_python_threads() -> None:
    get_kiwi()
    python = {t.native_id for t in threading.enumerate()}
    niceness = {
        int(tid): os.getpriority(os.PRIO_PROCESS, int(tid)) for tid in os.listdir("/proc/self/task")
    }
    main = os.getpriority(os.PRIO_PROCESS, threading.main_thread().native_id or 0)
    workers = [nice for tid, nice in niceness.items() if tid not in python]
    assert len(workers) >= kiwi_threads()
    assert sum(nice >= main + KIWI_NICE for nice in workers) >= kiwi_threads()
    assert all(niceness[tid] == main for tid in python if tid in niceness)


def test_thread_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSNOTE_KIWI_THREADS", "3")
    assert kiwi_threads() == 3
    monkeypatch.setenv("NEWSNOTE_KIWI_THREADS", "many")
    assert kiwi_threads() == (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    )
