#!/usr/bin/env python3
"""The editor of the multi-node load test: signs in through the load balancer, then every INTERVAL
seconds creates and publishes an article and measures how long until each node serves it (the
publish-to-visible time), until DURATION seconds have passed. Prints one summary line.

Usage: multinode_publisher.py LB_ADDRESS DATABASE_URL DURATION INTERVAL NODE_ADDRESS...
"""

import importlib.util
import os
import sys
import time

spec = importlib.util.spec_from_file_location(
    "multinode", os.path.join(os.path.dirname(__file__), "..", ".ci", "multinode.py"))
mn = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mn)


class Addr:
    def __init__(self, address, name):
        self.address, self.name = address, name

    def url(self, path):
        return f"http://{self.address}{path}"


def main():
    lb, db, duration, interval, *nodes = sys.argv[1:]
    lb = Addr(lb, "load balancer")
    nodes = [Addr(a, f"node {i + 1}") for i, a in enumerate(nodes)]
    editor = mn.sign_in(lb)
    visible, failures = [], 0
    end = time.monotonic() + float(duration)
    n = 0
    while time.monotonic() < end:
        started = time.monotonic()
        n += 1
        try:
            article = mn.create_article(editor, lb, f"Load test story {n} {os.getpid()}", "Body.")
            path = mn.public_path(db, article)
            mn.workflow(editor, lb, article, "publish")
            published = time.monotonic()
            pending = set(range(len(nodes)))
            while pending and time.monotonic() - published < 10:
                for i in list(pending):
                    status, _, _ = mn.get(nodes[i], path)
                    if status == 200:
                        pending.discard(i)
                time.sleep(0.005)
            if pending:
                failures += 1
            else:
                visible.append(time.monotonic() - published)
        except SystemExit:
            failures += 1
        time.sleep(max(0.0, float(interval) - (time.monotonic() - started)))
    visible.sort()
    ms = lambda s: f"{s * 1000:.0f} ms"
    if visible:
        p50 = visible[len(visible) // 2]
        print(f"publisher: {len(visible)} articles published, {failures} failed; "
              f"publish-to-visible on every node: median {ms(p50)}, max {ms(visible[-1])}")
    else:
        print(f"publisher: nothing published, {failures} failed")


if __name__ == "__main__":
    main()
