#!/usr/bin/python3
# npm_audit.py: what `npm audit --json` reports for a checkout, and what `npm audit fix` (never
# --force) does to its package-lock.json. The findings are the recorded report (FIXTURE, npm 10's
# auditReportVersion 2) less the packages the lock file says were fixed ("auditFixed"); `fix` adds
# every package whose fix is not a semver-major bump (what npm does without --force) to that list,
# so the lock file really changes and the next audit really reports fewer findings.
#   npm_audit.py report LOCK FIXTURE   print the report, exit 1 when it has findings
#   npm_audit.py fix LOCK FIXTURE      rewrite LOCK, print npm's summary
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import sys

SEVERITIES = ("info", "low", "moderate", "high", "critical")


def fixed_names(lock):
    try:
        with open(lock) as f:
            return set(json.load(f).get("auditFixed", []))
    except FileNotFoundError:
        return set()


def report(lock, fixture):
    with open(fixture) as f:
        data = json.load(f)
    if "vulnerabilities" not in data:  # npm's own error report, as it is
        return data
    fixed = fixed_names(lock)
    vulns = {k: v for k, v in data["vulnerabilities"].items() if k not in fixed}
    data["vulnerabilities"] = vulns
    counts = {s: 0 for s in SEVERITIES}
    for v in vulns.values():
        counts[v["severity"]] += 1
    counts["total"] = len(vulns)
    data["metadata"]["vulnerabilities"] = counts
    return data


def fixable(entry):
    fix = entry.get("fixAvailable")
    return fix is True or (isinstance(fix, dict) and not fix.get("isSemVerMajor"))


def main():
    cmd, lock, fixture = sys.argv[1:4]
    if cmd == "report":
        data = report(lock, fixture)
        print(json.dumps(data, indent=2))
        return 1 if data.get("metadata", {}).get("vulnerabilities", {}).get("total", 1) else 0
    if cmd == "fix":
        with open(lock) as f:
            lock_data = json.load(f)
        before = report(lock, fixture)
        now = sorted(k for k, v in before["vulnerabilities"].items() if fixable(v))
        lock_data["auditFixed"] = sorted(set(lock_data.get("auditFixed", [])) | set(now))
        with open(lock, "w") as f:
            json.dump(lock_data, f, indent=2)
            f.write("\n")
        left = len(before["vulnerabilities"]) - len(now)
        print(f"\nchanged {len(now)} packages, and audited {before['metadata']['dependencies']['total']} packages in 3s\n")
        if left:
            print(f"# npm audit report\n\n{left} vulnerabilities require manual review or --force.")
        else:
            print("found 0 vulnerabilities")
        return 1 if left else 0
    print("npm_audit.py: report|fix LOCK FIXTURE", file=sys.stderr)
    return 2


sys.exit(main())
