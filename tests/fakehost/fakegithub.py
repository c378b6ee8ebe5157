#!/usr/bin/python3
"""Stand-in for the GitHub REST API of the app's repository, on 127.0.0.1 only.

Serves what Narcisse Admin uses of it (target-system.md §9): the repository, its default branch ref,
its tags, ref creation (a pushed vX.Y.Z tag starts the "Deploy to Production" workflow), the deploy
workflow's runs and a run's jobs and steps. The repository is a real bare git repository
(FAKEGITHUB_REPO_DIR, the origin of the stack's /opt/sweetnarcisse checkout): its commits and tags
are read with git, and a tag created through the API is written into it (`git update-ref`), so the
server's `git fetch --all --tags` then finds it. A run created by a tag goes queued -> in_progress -> completed over
FAKEGITHUB_RUN_SECONDS (default 3) seconds; when it ends it does what the real workflow's deploy job does on
the server (target-system.md §9.2), on the stack's checkout FAKEGITHUB_DEPLOY_PATH with the docker stand-in:
fetch the tags, check the tag out, up -d --build app, prisma migrate deploy, image prune. If that fails
(a release that cannot start), the run fails at its "Deploy to VPS" step.

Environment: FAKEGITHUB_PORT, FAKEGITHUB_REPO_DIR, FAKEGITHUB_TOKEN (the only token accepted),
FAKEGITHUB_STATE_DIR, FAKEGITHUB_DEPLOY_PATH and FAKEGITHUB_FAKEHOST_BIN (with SN_STACK_DIR: the deploy). Knob: if FAKEGITHUB_STATE_DIR/github.fail-next exists when a tag is created,
that run ends with conclusion "failure" (at the "Deploy to VPS" step) and the file is removed.
Every request is logged to stderr as one line.

SPDX-License-Identifier: GPL-3.0-or-later
"""
import datetime
import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT = int(os.environ.get("FAKEGITHUB_PORT", "0"))
REPO_DIR = os.environ.get("FAKEGITHUB_REPO_DIR", ".")
TOKEN = os.environ.get("FAKEGITHUB_TOKEN", "")
STATE = os.environ.get("FAKEGITHUB_STATE_DIR", ".")
RUN_SECONDS = float(os.environ.get("FAKEGITHUB_RUN_SECONDS", "3"))
WORKFLOW_ID = 81234567
STEPS = ["Set up job", "Checkout tag", "Deploy to VPS", "Health check", "Complete job"]

LOCK = threading.Lock()
RUNS = []           # dicts, newest last


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def git(*args):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    out = subprocess.run(["git", "-C", REPO_DIR, *args], capture_output=True, text=True, env=env, check=False)
    return out.stdout.strip() if out.returncode == 0 else None


def repo_tags():
    text = git("for-each-ref", "--format=%(refname:short) %(*objectname)%(objectname)", "refs/tags") or ""
    tags = {}
    for line in text.splitlines():
        name, _, sha = line.partition(" ")
        # an annotated tag prints the commit then the tag object: keep the commit
        tags[name] = sha[:40]
    return tags


def seed_runs():
    """The deploy runs of the tags already in the repository (all succeeded), oldest first."""
    text = git("for-each-ref", "--sort=creatordate",
               "--format=%(refname:short) %(*objectname) %(creatordate:unix)", "refs/tags") or ""
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        start = int(parts[2]) + 60
        RUNS.append(new_run(parts[0], parts[1], start, "completed", "success", start + 154))


def new_run(tag, sha, start, status, conclusion, end):
    run_id = 7000000000 + len(RUNS) + 1
    return {
        "id": run_id, "name": "Deploy to Production", "display_title": tag,
        "head_branch": tag, "head_sha": sha, "event": "push", "path": ".github/workflows/deploy.yml",
        "workflow_id": WORKFLOW_ID, "run_number": len(RUNS) + 1, "run_attempt": 1,
        "status": status, "conclusion": conclusion,
        "created_at": iso(start), "run_started_at": iso(start), "updated_at": iso(end),
        "html_url": "https://github.com/kalicatt/SweetNarcisse-demo/actions/runs/%d" % run_id,
        "_start": start, "_end": end, "_fail": conclusion == "failure",
    }


DEPLOY_SCRIPT = (
    "set -e; cd \"$DEPLOY\"; git fetch --all --tags; git -c advice.detachedHead=false checkout tags/\"$TAG\"; "
    "docker compose --env-file .env.production.local up -d --build app; "
    "docker compose --env-file .env.production.local exec -T app node_modules/.bin/prisma migrate deploy; "
    "docker image prune -f")


def deploy(tag):
    """The workflow's deploy job, run on the stack's checkout; True when it worked."""
    path = os.environ.get("FAKEGITHUB_DEPLOY_PATH")
    if not path:
        return True
    env = dict(os.environ, DEPLOY=path, TAG=tag, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
               PATH=os.environ.get("FAKEGITHUB_FAKEHOST_BIN", "") + ":" + os.environ.get("PATH", ""))
    out = subprocess.run(["bash", "-c", DEPLOY_SCRIPT], capture_output=True, text=True, env=env, check=False)
    sys.stderr.write("fakegithub: deploy %s: exit %d\n%s%s" % (tag, out.returncode, out.stdout, out.stderr))
    return out.returncode == 0


def progress(run):
    """Moves a live run along with the clock; the deploy job runs when it ends."""
    if run["status"] == "completed":
        return
    elapsed = time.time() - run["_start"]
    if elapsed < RUN_SECONDS / 3:
        run["status"] = "queued"
    elif elapsed < RUN_SECONDS:
        run["status"] = "in_progress"
    else:
        if not run["_fail"] and not deploy(run["head_branch"]):
            run["_fail"] = True
        run["status"] = "completed"
        run["conclusion"] = "failure" if run["_fail"] else "success"
        run["_end"] = time.time()
    run["updated_at"] = iso(min(time.time(), run["_end"]))


def ticker():
    """Runs go on whether anyone looks or not, as on GitHub."""
    while True:
        time.sleep(0.2)
        with LOCK:
            for run in RUNS:
                progress(run)


def public(run):
    progress(run)
    return {k: v for k, v in run.items() if not k.startswith("_")}


def jobs_of(run):
    progress(run)
    elapsed = time.time() - run["_start"]
    steps = []
    per_step = RUN_SECONDS / (len(STEPS) + 1)
    failed = False
    for i, name in enumerate(STEPS):
        done_at = (i + 2) * per_step
        if failed:
            status, conclusion = "completed", "skipped"
        elif run["status"] == "completed" or (elapsed >= done_at and i < 2):
            status, conclusion = "completed", "success"
            if run["_fail"] and name == "Deploy to VPS":
                conclusion, failed = "failure", True
        elif elapsed >= done_at - per_step and run["status"] != "queued":
            status, conclusion = "in_progress", None
        else:
            status, conclusion = "queued", None
        steps.append({"name": name, "status": status, "conclusion": conclusion, "number": i + 1})
    job = {"id": run["id"] * 10 + 1, "run_id": run["id"], "name": "deploy", "status": run["status"],
           "conclusion": run["conclusion"], "started_at": run["run_started_at"], "steps": steps}
    return {"total_count": 1, "jobs": [job]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    sys_version = ""

    def log_message(self, fmt, *args):
        sys.stderr.write("fakegithub: %s\n" % (fmt % args))

    def send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorised(self, required):
        auth = self.headers.get("Authorization", "")
        if not auth:
            if required:
                self.send(401, {"message": "Requires authentication"})
                return False
            return True
        if auth not in ("Bearer " + TOKEN, "token " + TOKEN) or not TOKEN:
            self.send(401, {"message": "Bad credentials"})
            return False
        return True

    def repo_path(self):
        m = re.match(r"^/repos/([^/]+)/([^/]+)(/.*)?$", urlparse(self.path).path)
        return (m.group(3) or "") if m else None

    def do_GET(self):
        rest = self.repo_path()
        query = parse_qs(urlparse(self.path).query)
        if rest is None or not self.authorised(False):
            if rest is None:
                self.send(404, {"message": "Not Found"})
            return
        if rest == "":
            return self.send(200, {"full_name": "kalicatt/SweetNarcisse-demo", "default_branch": "master"})
        if rest == "/git/ref/heads/master":
            sha = git("rev-parse", "refs/heads/master")
            return self.send(200, {"ref": "refs/heads/master", "object": {"type": "commit", "sha": sha}})
        if rest == "/tags":
            tags = repo_tags()
            return self.send(200, [{"name": n, "commit": {"sha": s}} for n, s in sorted(tags.items())])
        if rest in ("/actions/workflows/deploy.yml/runs", "/actions/runs"):
            branch = query.get("branch", [None])[0]
            per_page = int(query.get("per_page", ["30"])[0])
            with LOCK:
                runs = [public(r) for r in reversed(RUNS) if branch is None or r["head_branch"] == branch]
            return self.send(200, {"total_count": len(runs), "workflow_runs": runs[:per_page]})
        m = re.match(r"^/actions/runs/(\d+)(/jobs)?$", rest)
        if m:
            with LOCK:
                found = [r for r in RUNS if r["id"] == int(m.group(1))]
                if found:
                    body = jobs_of(found[0]) if m.group(2) else public(found[0])
            if not found:
                return self.send(404, {"message": "Not Found"})
            return self.send(200, body)
        return self.send(404, {"message": "Not Found"})

    def do_POST(self):
        rest = self.repo_path()
        if rest != "/git/refs":
            return self.send(404, {"message": "Not Found"})
        if not self.authorised(True):
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            ref, sha = body["ref"], body["sha"]
        except (ValueError, KeyError, TypeError):
            return self.send(422, {"message": "Invalid request.\n\n\"ref\", \"sha\" wasn't supplied."})
        if not ref.startswith("refs/") or ref.count("/") < 2:
            return self.send(422, {"message": "Reference name is invalid"})
        if not re.fullmatch(r"[0-9a-f]{40}", sha) or git("cat-file", "-e", sha + "^{commit}") is None:
            return self.send(422, {"message": "Object does not exist"})
        name = ref[len("refs/tags/"):] if ref.startswith("refs/tags/") else None
        if name is None:
            return self.send(422, {"message": "Only tags are supported by the stand-in"})
        if name in repo_tags():
            return self.send(422, {"message": "Reference already exists"})
        fail = os.path.exists(os.path.join(STATE, "github.fail-next"))
        if fail:
            os.unlink(os.path.join(STATE, "github.fail-next"))
        with LOCK:
            if git("update-ref", "refs/tags/" + name, sha, "") is None:
                return self.send(422, {"message": "Reference already exists"})
            # push of a v*.*.* tag: the deploy workflow starts
            if re.fullmatch(r"v.*\..*\..*", name):
                now = time.time()
                run = new_run(name, sha, now, "queued", None, now + RUN_SECONDS)
                run["_fail"] = fail
                RUNS.append(run)
        return self.send(201, {"ref": ref, "object": {"type": "commit", "sha": sha}})


def main():
    seed_runs()
    threading.Thread(target=ticker, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    sys.stderr.write("fakegithub: listening on 127.0.0.1:%d\n" % server.server_address[1])
    sys.stderr.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
