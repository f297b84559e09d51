"""Time-to-interactive of the path page vs a bare one-widget Voilà page, and answer-save latency.

Both pages are served by the same Jupyter server (the product's configuration, as `make
serve` starts it) in the same run, loaded alternately in headless Chromium. The bare page
lives outside voila_app/, so it gets what a default Voilà gives: a cold kernel per load; the
path page gets the server's preheated kernels (kernel_pool). The ratio of medians is printed
(target: path page <= 0.75x the bare page). Also measured: the first load of the path page
right after the server starts answering (its preheated kernel may still be warming), and
the time from launching the server to that page being interactive.
Answer saves: p95 of the store's upsert and of the quiz widget's atomic file save, against
a plain unsynced file write measured in the same run.

    .venv/bin/python bench/bench_path_page.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import chromium_path  # noqa: E402
from sets_courseware.serve import LEARNER_DIRS, PATH_PAGE, start, stop, with_token  # noqa: E402

BARE_PAGE = "voila/render/bench/bare_widget.ipynb"
TARGET = 0.75


def tti(page, url: str, ready_selector: str) -> float:
    started = time.perf_counter()
    page.goto(url, timeout=120_000)
    page.locator(ready_selector).first.wait_for(state="visible", timeout=120_000)
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[max(0, int(round(0.95 * len(values))) - 1)]


def page_bench(runs: int, home: Path) -> dict:
    from playwright.sync_api import sync_playwright
    launched = time.perf_counter()
    proc, base = start(ROOT, env={"SETS_HOME": str(home), "SETS_LEARNER": "bench"}, log=home / "server.log",
                       expose=(*LEARNER_DIRS, "bench"))
    answering = time.perf_counter() - launched
    bare, path = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            # The first path-page load after the server starts (the token once, then Jupyter's login cookie).
            first = tti(page, with_token(base + PATH_PAGE, proc.token), "select")
            first_from_launch = time.perf_counter() - launched
            tti(page, base + BARE_PAGE, "button:has-text('Go')")  # browser caches warm for both pages
            time.sleep(3)  # let the pool refill, as it does between two learners' visits
            for _ in range(runs):
                bare.append(tti(page, base + BARE_PAGE, "button:has-text('Go')"))
                path.append(tti(page, base + PATH_PAGE, "select"))
            browser.close()
    finally:
        stop(proc)
    return {"bare_median_s": statistics.median(bare), "path_median_s": statistics.median(path),
            "ratio": statistics.median(path) / statistics.median(bare), "runs": runs,
            "bare_s": bare, "path_s": path, "server_answering_s": answering,
            "first_path_load_s": first, "first_path_interactive_from_launch_s": first_from_launch}


def save_bench(n: int, home: Path) -> dict:
    from sets_courseware.answers import AnswerFile
    from sets_courseware.store import Store
    store = Store(f"sqlite:///{home / 'bench.sqlite'}")
    qids = [f"3.2.q{i}" for i in range(1, 6)]
    db, widget, plain = [], [], []
    folder = home / "nb"
    folder.mkdir(exist_ok=True)
    af = AnswerFile("3.2", folder)
    for i in range(n):
        qid, choice = qids[i % 5], "abcd"[i % 4]
        t0 = time.perf_counter()
        store.save_response("bench", "3", "initial", qid, choice)
        db.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        af.save(qid, choice)
        widget.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        (folder / "plain.json").write_text(json.dumps({"answers": af.answers}))
        plain.append(time.perf_counter() - t0)
    return {"store_save_p95_ms": 1000 * p95(db), "widget_save_p95_ms": 1000 * p95(widget),
            "plain_write_p95_ms": 1000 * p95(plain),
            "store_vs_plain": p95(db) / p95(plain), "widget_vs_plain": p95(widget) / p95(plain), "n": n}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        saves = save_bench(args.saves, home)
        pages = page_bench(args.runs, home)
    result = {"page": pages, "save": saves}
    print(json.dumps(result, indent=1))
    print(f"path page TTI {pages['path_median_s']:.2f} s vs default cold bare Voilà page {pages['bare_median_s']:.2f} s: "
          f"ratio {pages['ratio']:.2f} (target <= {TARGET})")
    print(f"first path-page load after the server starts: {pages['first_path_load_s']:.2f} s "
          f"(server answering after {pages['server_answering_s']:.2f} s; interactive "
          f"{pages['first_path_interactive_from_launch_s']:.2f} s after launch)")
    print(f"answer save p95: store {saves['store_save_p95_ms']:.1f} ms ({saves['store_vs_plain']:.1f}x plain write), "
          f"widget file {saves['widget_save_p95_ms']:.1f} ms ({saves['widget_vs_plain']:.1f}x plain write)")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "path_page.json").write_text(json.dumps(result, indent=1))
    return 0 if pages["ratio"] <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
