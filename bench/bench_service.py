"""A whole course self-assessment (save every answer, submit, read the results) through the hub's
assessment service over HTTP, against the same calls in-process, in the same run.

The service is the real tornado app (service.py) on loopback with the real client
(client.py); the hub's token check is answered from a table (as in tests/test_service.py), so
the numbers are the service's own cost, not the hub's (HubAuth caches tokens anyway).

    .venv/bin/python bench/bench_service.py [--learners 30] [--course 3]
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


def run(take, learners: int, course: str, qids: list[str]) -> list[float]:
    times = []
    for i in range(learners):
        t0 = time.perf_counter()
        take(f"learner{i:03d}", course, qids)
        times.append(time.perf_counter() - t0)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--course", default="3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SETS_HOME"] = tmp
        from sets_courseware.assessment import AssessmentService
        from sets_courseware.client import ServiceClient
        from sets_courseware.content import banks
        from sets_courseware.store import Store
        import test_service as ts
        qids = [q.id for q in banks().course_questions(args.course)]

        local = AssessmentService(Store(f"sqlite:///{tmp}/local.sqlite"))

        def in_process(name, course, qids):
            for q in qids:
                local.save(name, course, "initial", q, "b")
            local.submit(name, course, "initial")
            local.state(name, course, "initial")

        server = ts.Server(Store(f"sqlite:///{tmp}/service.sqlite"))
        for i in range(args.learners):
            ts.USERS[f"tok-{i}"] = {"kind": "user", "name": f"learner{i:03d}", "scopes": [ts.ACCESS]}
        clients = {f"learner{i:03d}": ServiceClient(server.url, token=f"tok-{i}") for i in range(args.learners)}

        def over_http(name, course, qids):
            c = clients[name]
            for q in qids:
                c.save(name, course, "initial", q, "b")
            c.submit(name, course, "initial")
            c.state(name, course, "initial")

        local_t = run(in_process, args.learners, args.course, qids)
        http_t = run(over_http, args.learners, args.course, qids)
        server.stop()
    med_local, med_http = statistics.median(local_t), statistics.median(http_t)
    result = {"course": args.course, "questions": len(qids), "learners": args.learners,
              "in_process_ms": round(1000 * med_local, 1), "service_ms": round(1000 * med_http, 1),
              "service_vs_in_process": round(med_http / med_local, 2),
              "service_ms_per_save": round(1000 * med_http / (len(qids) + 2), 2)}
    print(json.dumps(result, indent=1))
    print(f"self-assessment of course {args.course} ({len(qids)} answers + submit + results): in-process "
          f"{1000 * med_local:.0f} ms, through the service {1000 * med_http:.0f} ms ({med_http / med_local:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
