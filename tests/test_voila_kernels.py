"""Voilà's kernels are freed when the path page closes (headless Chromium, real server).

Voilà's page shuts its kernel down on `beforeunload` (a sendBeacon POST carrying the `_xsrf`
cookie). Without that cookie the POST got 403 "'_xsrf' argument missing" and every page load
left a ~100 MB kernel behind: 20 loads and closes held 18 kernels. The test loads and closes
the page 20 times and counts the kernels still alive through /api/kernels.
"""

import json
import os
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, chromium_path
from sets_courseware.serve import PATH_PAGE, start, stop

pytestmark = pytest.mark.e2e
LOADS = 20


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _tree_rss_mb(pid: int) -> tuple[float, float]:
    """RSS of the server process and of it with all its descendants (kernels), in MB."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError):
                continue
    tree, todo = {pid}, [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                todo.append(child)
    return _rss_mb(pid), sum(_rss_mb(p) for p in tree)


def _kernels(url: str, token: str) -> list[dict]:
    headers = {"Authorization": f"token {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url + "api/kernels", headers=headers), timeout=30) as r:
        return json.load(r)


def test_path_page_frees_its_kernel_on_close(tmp_path):
    if chromium_path() is None:
        pytest.fail("Debian chromium is not installed (apt install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright
    env = {"SETS_HOME": str(tmp_path / "home"), "SETS_LEARNER": "kernel-test"}
    log = tmp_path / "server.log"
    proc, url = start(ROOT, env=env, log=log)
    token = getattr(proc, "token", "")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"])
            context = browser.new_context()
            for i in range(LOADS):
                page = context.new_page()
                first = i == 0 and token
                page.goto(url + PATH_PAGE + (f"?token={token}" if first else ""), timeout=90_000)
                page.get_by_label("Cours").wait_for(timeout=90_000)  # the page ran: its kernel is up
                page.close(run_before_unload=True)  # as closing the tab: beforeunload runs
            deadline = time.monotonic() + 20
            alive = _kernels(url, token)
            while len(alive) > 2 and time.monotonic() < deadline:
                time.sleep(0.5)
                alive = _kernels(url, token)
            server_mb, total_mb = _tree_rss_mb(proc.pid)
            browser.close()
    finally:
        stop(proc)
    text = log.read_text(errors="replace")
    print(f"after {LOADS} loads/closes: {len(alive)} kernels alive; RSS server {server_mb:.0f} MB, "
          f"server + kernels {total_mb:.0f} MB; xsrf refusals: {text.count('_xsrf')}")
    # The preheated kernels waiting for the next visit (kernel_pool) are alive by design.
    from sets_courseware.serve import jupyter_config
    pool = jupyter_config().PooledKernelManager.pool_size
    assert len(alive) <= 2 + pool, f"{len(alive)} kernels still alive after {LOADS} loads and closes of the path page"
    assert "'_xsrf' argument missing" not in text
    # The safety net is on: kernels left without a browser are culled.
    assert "Culling kernels with idle durations > 600 seconds" in text
