#!/usr/bin/env python3
"""Several Gazette nodes on one PostgreSQL database, as an operator runs them.

Starts real `gazette serve` processes on loopback ports against a fresh database and checks, over
HTTP and in the database: a change made on one node is visible on the other within 2 s; an edit
invalidates the other node's cached page; a scheduled article is published exactly once; killing
the node holding the scheduler lease (SIGKILL) hands the job to another node; a node restarted after
missing changes catches up (pages and search index); view beacons sent to both nodes add up; a
node stopped cleanly hands the scheduler lease over at once. With GAZETTE_TEST_S3_ENDPOINT and
GAZETTE_TEST_S3_BUCKET (as `.ci/run` sets for moto), media go to that bucket and both nodes must
serve the same files.

Usage: .ci/multinode.py  (needs GAZETTE_TEST_POSTGRES_URL, e.g. postgres://postgres@127.0.0.1:5432/test,
and the debug binary: `cargo build -p gazette`; GAZETTE_BIN names another binary).
"""

import datetime
import html.parser
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

TARGET = os.environ.get("CARGO_TARGET_DIR", "target")
GAZETTE = os.environ.get("GAZETTE_BIN", os.path.join(TARGET, "debug", "gazette"))
BASE_URL = os.environ.get("GAZETTE_TEST_POSTGRES_URL")
PASSWORD = "multinode-password-1"
EMAIL = "editor@example.com"

checks = 0

# With an S3-compatible server (as `.ci/run` starts for the media tests), every node and command
# keeps media in one bucket, under a prefix of this run's own.
S3_ENDPOINT = os.environ.get("GAZETTE_TEST_S3_ENDPOINT")
S3_BUCKET = os.environ.get("GAZETTE_TEST_S3_BUCKET")
MEDIA_ENV = {
    "GAZETTE_MEDIA_S3_BUCKET": S3_BUCKET or "",
    "GAZETTE_MEDIA_S3_ENDPOINT": S3_ENDPOINT or "",
    "GAZETTE_MEDIA_S3_REGION": "us-east-1",
    "GAZETTE_MEDIA_S3_ACCESS_KEY_ID": "test",
    "GAZETTE_MEDIA_S3_SECRET_ACCESS_KEY": "test",
    "GAZETTE_MEDIA_S3_PREFIX": f"multinode-{os.getpid()}",
} if S3_ENDPOINT and S3_BUCKET else {}


def ok(message):
    global checks
    checks += 1
    print(f"  ok  {message}", flush=True)


def text(page):
    """A page's words without its markup, shortened: for failure messages."""
    body = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", " ", page)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())[:400]


def fail(message):
    print(f"FAIL  {message}", flush=True)
    raise SystemExit(1)


def psql(url, sql):
    out = subprocess.run(
        ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def wait_for(what, predicate, timeout, interval=0.05):
    """Polls `predicate` until it returns something truthy; returns (value, seconds taken)."""
    start = time.monotonic()
    while True:
        value = predicate()
        if value:
            return value, time.monotonic() - start
        if time.monotonic() - start > timeout:
            fail(f"{what}: not within {timeout} s")
        time.sleep(interval)


class Node:
    def __init__(self, name, database_url, data_dir):
        self.name = name
        self.database_url = database_url
        self.data_dir = data_dir
        self.proc = None
        self.address = None
        self.log = os.path.join(data_dir, "..", f"{name}.log")

    def start(self):
        out = open(self.log + ".out", "w")
        err = open(self.log, "a")
        env = dict(os.environ, GAZETTE_LOG="info,sqlx=warn", GAZETTE_NO_DEMO="1", **MEDIA_ENV)
        env.pop("GAZETTE_CONFIG", None)
        self.proc = subprocess.Popen(
            [GAZETTE, "serve", "--bind", "127.0.0.1:0", "--data-dir", self.data_dir,
             "--database-url", self.database_url, "--no-demo"],
            stdout=out, stderr=err, env=env, cwd=os.path.dirname(self.data_dir),
        )

        def address():
            if self.proc.poll() is not None:
                fail(f"{self.name} exited at start; see {self.log}")
            m = re.search(r"http://(127\.0\.0\.1:\d+)/", open(self.log + ".out").read())
            return m and m.group(1)

        self.address, took = wait_for(f"{self.name} starts", address, 60)
        ok(f"{self.name} serving at {self.address} (started in {took:.1f} s, pid {self.proc.pid})")

    def url(self, path):
        return f"http://{self.address}{path}"

    def kill(self, sig):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), Browser.NoRedirect)

    def request(self, url, data=None, headers=None, raw=False):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})
        decode = (lambda b: b) if raw else (lambda b: b.decode(errors="replace"))
        try:
            with self.opener.open(req, timeout=20) as r:
                return r.status, dict(r.headers), decode(r.read())
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), decode(e.read())


class FormFields(html.parser.HTMLParser):
    """The fields of the form with the given action, as a browser would send them (plus buttons)."""

    def __init__(self, action):
        super().__init__()
        self.action = action
        self.inside = False
        self.fields = {}
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action and not self.fields
            return
        if not self.inside or "name" not in a:
            if self.inside and tag == "option" and self.select and "selected" in a:
                self.fields.setdefault(self.select, []).append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" not in a:
            return
        if tag == "input" and a.get("type") != "submit":
            self.fields.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea":
            self.textarea = name
            self.fields.setdefault(name, []).append("")
        elif tag == "select":
            self.select = name

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.inside and self.textarea:
            self.fields[self.textarea][-1] += data


def form_fields(page, action):
    parser = FormFields(action)
    parser.feed(page)
    return {k: v for k, v in parser.fields.items()}


def sign_in(node):
    b = Browser()
    status, _, page = b.request(node.url("/newsroom/login"))
    token = re.search(r'name="login_csrf" value="([^"]+)"', page).group(1)
    status, headers, _ = b.request(node.url("/newsroom/login"), {
        "login_csrf": token, "email": EMAIL, "password": PASSWORD, "next": "/newsroom"})
    if status not in (302, 303):
        fail(f"sign-in on {node.name} answered {status}")
    return b


def options(page, name):
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option[^>]*value="([^"]+)"', select)


def create_article(b, node, headline, body):
    status, _, page = b.request(node.url("/newsroom/articles/new"))
    fields = form_fields(page, "/newsroom/articles")
    fields.update({
        "headline": [headline], "standfirst": [f"Standfirst of {headline}."], "body": [body],
        "section": [options(page, "section")[0]], "author": [options(page, "author")[0]],
        "tags": ["multinode"], "intent": ["save"],
    })
    status, headers, page = b.request(node.url("/newsroom/articles"), fields)
    location = headers.get("Location") or headers.get("location") or ""
    m = re.search(r"/newsroom/articles/(\d+)", location)
    if status not in (302, 303) or not m:
        fail(f"creating {headline!r} on {node.name}: {status} {location} {text(page)}")
    return int(m.group(1))


def workflow(b, node, article_id, action, publish_at=""):
    status, _, page = b.request(node.url(f"/newsroom/articles/{article_id}"))
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    status, _, page = b.request(node.url(f"/newsroom/articles/{article_id}/workflow"), {
        "csrf": csrf, "action": action, "publish_at": publish_at, "embargo_until": "",
        "takedown_at": ""})
    if status not in (302, 303):
        fail(f"{action} of article {article_id} on {node.name}: {status} {text(page)}")


def save_headline(b, node, article_id, headline):
    action = f"/newsroom/articles/{article_id}"
    status, _, page = b.request(node.url(action))
    fields = form_fields(page, action)
    fields["headline"] = [headline]
    fields["intent"] = ["save"]
    status, _, page = b.request(node.url(action), fields)
    if status not in (302, 303):
        fail(f"saving article {article_id} on {node.name}: {status} {text(page)}")


def live_stream_crosses_nodes(db, editor, a, b, article_id):
    """Makes the article a live blog on A, opens B's push stream for it as a reader's page would,
    posts an entry on A, and times its arrival on B's stream."""
    page_url = f"/newsroom/articles/{article_id}/live"
    status, _, page = editor.request(a.url(page_url))
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    status, _, page = editor.request(a.url(page_url + "/coverage"), {"csrf": csrf, "action": "start"})
    if status not in (302, 303):
        fail(f"starting live coverage on node-a: {status} {text(page)}")
    since = psql(db, f"SELECT COALESCE(MAX(seq), 0) FROM live_entries WHERE article_id = {article_id}")
    host, port = b.address.rsplit(":", 1)
    reader = socket.create_connection((host, int(port)), timeout=5)
    reader.sendall(f"GET /live/stream?blog={article_id}&since={since} HTTP/1.1\r\n"
                   f"Host: {b.address}\r\nAccept: text/event-stream\r\n\r\n".encode())
    received = b""
    while b"event: breaking" not in received:
        chunk = reader.recv(65536)
        if not chunk:
            fail(f"node-b closed the stream: {received[:300]!r}")
        received += chunk
    ok("a reader's push stream is open on node-b")
    status, _, page = editor.request(a.url(page_url))
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    marker = f"Cross-node entry {os.getpid()}"
    status, headers, page = editor.request(a.url(page_url), {
        "csrf": csrf, "headline": "", "body": marker, "action": "post"})
    posted = time.monotonic()
    if status not in (302, 303):
        fail(f"posting an entry on node-a: {status} {text(page)}")
    reader.settimeout(0.2)
    while marker.encode() not in received and time.monotonic() - posted < 2.0:
        try:
            chunk = reader.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            break
        received += chunk
    took = time.monotonic() - posted
    reader.close()
    if marker.encode() not in received:
        fail(f"the entry posted on node-a did not reach node-b's stream within 2 s: {received[-300:]!r}")
    if b"event: entry" not in received:
        fail("node-b sent the entry without its event name")
    ok(f"an entry posted on node-a reached a reader's stream on node-b in {took * 1000:.0f} ms")


def public_path(db, article_id):
    return psql(db, f"SELECT '/' || s.slug || '/' || a.slug FROM articles a "
                    f"JOIN sections s ON s.id = a.section_id WHERE a.id = {article_id}")


def get(node, path, headers=None):
    return Browser().request(node.url(path), headers=headers)


def page_has(node, path, text):
    def check():
        status, _, body = get(node, path)
        return status == 200 and text in body
    return check


def main():
    if not BASE_URL:
        print("skipped: set GAZETTE_TEST_POSTGRES_URL")
        return
    if not os.path.exists(GAZETTE):
        fail(f"no binary at {GAZETTE}: run cargo build -p gazette")
    name = f"gazette_multinode_{os.getpid()}"
    admin_url = BASE_URL.rsplit("/", 1)[0] + "/postgres"
    db = BASE_URL.rsplit("/", 1)[0] + "/" + name
    psql(admin_url, f"CREATE DATABASE {name}")
    nodes = []
    work = tempfile.mkdtemp(prefix="gazette-multinode-")
    try:
        run(db, work, nodes)
    except BaseException:
        for n in nodes:
            for log in (n.log + ".out", n.log):
                if os.path.exists(log):
                    print(f"--- last lines of {log} ---")
                    print("".join(open(log).readlines()[-20:]))
        raise
    finally:
        for n in nodes:
            if n.proc and n.proc.poll() is None:
                n.kill(signal.SIGKILL)
        psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        subprocess.run(["rm", "-rf", work], check=False)
    print(f"multinode: {checks} checks passed")


def run(db, work, nodes):
    common = ["--data-dir", os.path.join(work, "setup"), "--database-url", db]
    env = dict(os.environ, **MEDIA_ENV)
    subprocess.run([GAZETTE, "init", *common], check=True, capture_output=True, env=env)
    subprocess.run([GAZETTE, "demo", *common], check=True, capture_output=True, env=env)
    subprocess.run([GAZETTE, "user", "add", "--email", EMAIL, "--name", "Multi Node",
                    "--role", "editor", *common], input=PASSWORD + "\n", text=True,
                   check=True, capture_output=True, env=env)
    ok("database created, demo loaded (media in " + ("the S3 bucket" if MEDIA_ENV else
       "the setup folder") + "), editor added with the CLI")

    a = Node("node-a", db, os.path.join(work, "a"))
    b = Node("node-b", db, os.path.join(work, "b"))
    nodes += [a, b]
    for n in nodes:
        os.makedirs(n.data_dir)
        n.start()

    if MEDIA_ENV:
        # The demo's pictures were stored by a command with its own data folder: both nodes
        # serve the very same files from the bucket.
        keys = psql(db, "SELECT key FROM media_variants ORDER BY media_id, width LIMIT 3").split()
        if not keys:
            fail("the demo stored no media")
        for key in keys[:3]:
            sa, _, body_a = Browser().request(a.url(f"/media/{key}"), raw=True)
            sb, _, body_b = Browser().request(b.url(f"/media/{key}"), raw=True)
            if sa != 200 or sb != 200 or body_a != body_b:
                fail(f"/media/{key}: node-a {sa}, node-b {sb}, same bytes: {body_a == body_b}")
        ok(f"both nodes serve the same media files from the S3 bucket ({len(keys)} checked)")
    else:
        print("  --  media on S3 not checked: set GAZETTE_TEST_S3_ENDPOINT and GAZETTE_TEST_S3_BUCKET")

    ed_a, ed_b = sign_in(a), sign_in(b)
    ok("an editor signed in on each node (sessions are in the database)")

    # 1. Published on A, visible on B within 2 s.
    first = create_article(ed_a, a, "Bridge reopens after repairs", "The *bridge* is open.")
    path = public_path(db, first)
    status, _, _ = get(b, path)
    if status == 200:
        fail("a draft is public")
    workflow(ed_a, a, first, "publish")
    _, took = wait_for("published on A, visible on B", page_has(b, path, "Bridge reopens"), 2.0)
    ok(f"published on node-a, article page on node-b in {took * 1000:.0f} ms")
    _, took = wait_for("home page on B lists it", page_has(b, "/", "Bridge reopens"), 2.0)
    ok(f"node-b's front page lists it after {took * 1000:.0f} ms")

    # 1b. Live blog: a reader with a stream open on B receives an entry posted on A.
    live_stream_crosses_nodes(db, ed_a, a, b, first)

    # 2. Edited on B; A's cached page changes.
    for _ in range(2):
        status, headers, _ = get(a, path)
    save_headline(ed_b, b, first, "Bridge reopens after two years of repairs")
    _, took = wait_for("edit on B seen on A", page_has(a, path, "after two years"), 2.0)
    ok(f"edited on node-b, node-a's cached page changed in {took * 1000:.0f} ms")

    # 2b. The listening connections are cut: changes still arrive (polling, then listening again).
    listeners = lambda: set(psql(db, "SELECT pid FROM pg_stat_activity WHERE datname = "
                                     "current_database() AND query ILIKE 'LISTEN%'").split())
    old, _ = wait_for("both nodes listening", lambda: len(listeners()) == 2 and listeners(), 5)
    cut = psql(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                   "pid IN (" + ",".join(old) + ")")
    save_headline(ed_a, a, first, "Bridge reopens after two years of repairs, on time")
    _, took = wait_for("edit seen on B with its listener cut", page_has(b, path, "on time"), 2.0)
    ok(f"{cut} listening connections cut; node-b still saw an edit in {took * 1000:.0f} ms")
    _, took = wait_for("both nodes listening again, on new connections",
                       lambda: len(listeners() - old) == 2, 10, interval=0.2)
    ok(f"both nodes listening again after {took:.1f} s")

    # 3. Scheduled: published once, by one node.
    holder = lambda: psql(db, "SELECT holder FROM leases WHERE name = 'scheduler'")
    lease_holder, _ = wait_for("a node holds the scheduler lease", holder, 15)
    ok(f"scheduler lease held by {lease_holder}")
    scheduled = create_article(ed_a, a, "Council votes on budget", "Scheduled story.")
    at = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3))
    workflow(ed_a, a, scheduled, "schedule", at.strftime("%Y-%m-%dT%H:%M:%S"))
    status_of = lambda i: psql(db, f"SELECT status FROM articles WHERE id = {i}")
    wait_for("the scheduled article is published", lambda: status_of(scheduled) == "published", 15)
    time.sleep(3)  # any second publication would come within a scheduler tick or two
    publishes = psql(db, f"SELECT count(*) FROM changes WHERE entity = 'article' AND entity_id = {scheduled} AND action = 'published'")
    audits = psql(db, f"SELECT count(*) FROM audit_log WHERE entity_id = {scheduled} AND action = 'publish' AND detail = 'on schedule'")
    if publishes != "1" or audits != "1":
        fail(f"scheduled article published {publishes} times (audit: {audits})")
    ok("the scheduled article was published exactly once (one change-log entry, one audit entry)")
    wait_for("scheduled article visible on both",
             lambda: page_has(a, public_path(db, scheduled), "Council votes")()
             and page_has(b, public_path(db, scheduled), "Council votes")(), 3)
    ok("the scheduled article is on both nodes")

    # 4. SIGKILL the lease holder; the other node takes the job over.
    lease_holder = holder()
    victim = next(n for n in nodes if f"/pid-{n.proc.pid}/" in lease_holder)
    survivor = next(n for n in nodes if n is not victim)
    victim.kill(signal.SIGKILL)
    killed_at = time.monotonic()
    ok(f"killed {victim.name} (holding the lease) with SIGKILL")
    late = create_article(sign_in(survivor), survivor, "Ferry timetable changes", "Scheduled again.")
    at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)
    ed = sign_in(survivor)
    workflow(ed, survivor, late, "schedule", at.strftime("%Y-%m-%dT%H:%M:%S"))
    wait_for("the survivor publishes the scheduled article",
             lambda: status_of(late) == "published", 20, interval=0.2)
    took = time.monotonic() - killed_at
    new_holder = holder()
    if f"/pid-{survivor.proc.pid}/" not in new_holder:
        fail(f"lease holder is {new_holder}, not {survivor.name}")
    ok(f"{survivor.name} took the lease over and published the scheduled article {took:.1f} s after the kill")

    # 5. Changes made while the victim was down; after a restart it catches up.
    missed = create_article(ed, survivor, "Quokka spotted in the botanical garden", "Rare marsupial.")
    workflow(ed, survivor, missed, "publish")
    save_headline(ed, survivor, first, "Bridge reopens to traffic")
    victim.start()
    wait_for("restarted node serves what it missed",
             page_has(victim, public_path(db, missed), "Quokka spotted"), 5)
    wait_for("restarted node shows the edit", page_has(victim, path, "reopens to traffic"), 5)
    wait_for("restarted node's search index caught up",
             page_has(victim, "/search?q=quokka", "spotted in the botanical garden"), 15, interval=0.3)
    ok(f"{victim.name} restarted and caught up (page, edit and search index)")

    # 6. View beacons on both nodes add up exactly.
    before = int(psql(db, f"SELECT view_total FROM articles WHERE id = {first}"))
    sent = 0
    for node, count in ((a, 30), (b, 20)):
        for i in range(count):
            status, _, _ = Browser().request(node.url(f"/views/{first}"), {}, {
                "User-Agent": f"Mozilla/5.0 (reader {node.name} {i})"})
            if status != 204:
                fail(f"beacon on {node.name} answered {status}")
            sent += 1
    total = lambda: int(psql(db, f"SELECT view_total FROM articles WHERE id = {first}")) - before
    wait_for("view counts flushed", lambda: total() >= sent, 15, interval=0.5)
    time.sleep(6)
    if total() != sent:
        fail(f"{sent} beacons counted as {total()}")
    buckets = int(psql(db, f"SELECT sum(views) FROM view_buckets WHERE article_id = {first}"))
    ok(f"{sent} beacons sent to both nodes: view total +{total()}, day buckets {buckets}")

    # A node stopping cleanly hands the lease over at once; both stop cleanly.
    lease_holder = holder()
    first_out = next(n for n in nodes if f"/pid-{n.proc.pid}/" in lease_holder)
    last_out = next(n for n in nodes if n is not first_out)
    first_out.kill(signal.SIGINT)
    stopped_at = time.monotonic()
    if first_out.proc.returncode != 0:
        fail(f"{first_out.name} exited with {first_out.proc.returncode} on SIGINT")
    wait_for("the lease handed over at shutdown",
             lambda: f"/pid-{last_out.proc.pid}/" in holder(), 4, interval=0.1)
    ok(f"{first_out.name} stopped cleanly on SIGINT; {last_out.name} took the lease "
       f"{time.monotonic() - stopped_at:.1f} s later")
    last_out.kill(signal.SIGINT)
    if last_out.proc.returncode != 0:
        fail(f"{last_out.name} exited with {last_out.proc.returncode} on SIGINT")
    ok(f"{last_out.name} stopped cleanly on SIGINT")


if __name__ == "__main__":
    main()
