#!/usr/bin/python3
# docker_inventory.py: the images, build cache, stopped containers and volumes the docker stand-in
# reports, kept in $SN_STACK_DIR/state/docker-inventory.json so that a prune really changes what
# `docker system df` says next. Called by tests/fakehost/bin/docker with the stack's service
# containers in $SN_DOCKER_SERVICES (lines "service|container|image|state").
#
# Output follows Docker 27's CLI: sizes as units.HumanSize (decimal, 4 significant digits), the
# verbose JSON of `system df -v --format '{{json .}}'` (one object with Images, Containers, Volumes,
# BuildCache, every value a string), `volume ls --format json` one object per line.
# Volume pruning models the worst case the runbook risks (Docker before 23.0, or `volume prune
# --all`): every volume no container uses goes, named ones included.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import hashlib, json, os, sys

STATE = os.path.join(os.environ["SN_STACK_DIR"], "state")
PATH = os.path.join(STATE, "docker-inventory.json")
PROJECT = "sweetnarcisse"
GB, MB, KB = 1000 ** 3, 1000 ** 2, 1000


def default_inventory():
    # Images used by the stack's containers, then by two leftover containers, then unused ones.
    # Totals with every service up: 14 images, 4.812GB, 1.934GB reclaimable (as `docker system df`).
    images = [
        ("sweetnarcisse-app", "latest", 1120 * MB), ("postgres", "16-alpine", 276 * MB),
        ("minio/minio", "RELEASE.2025-09-07T16-13-09Z", 175 * MB), ("minio/mc", "latest", 82 * MB),
        ("nginx", "alpine", 52500 * KB), ("certbot/certbot", "latest", 117 * MB),
        ("prom/prometheus", "latest", 295 * MB), ("prom/alertmanager", "latest", 71 * MB),
        ("grafana/grafana", "latest", 422500 * KB), ("node", "22-bookworm-slim", 226 * MB),
        ("redis", "7-alpine", 41 * MB),
        ("<none>", "<none>", 1116 * MB), ("<none>", "<none>", 480 * MB),
        ("postgres", "15-alpine", 338 * MB),
    ]
    inv = {"images": [], "containers": [], "volumes": [], "build_cache": []}
    for i, (repo, tag, size) in enumerate(images):
        inv["images"].append({"id": "sha256:" + hashlib.sha256(("img%d" % i).encode()).hexdigest(),
                              "repository": repo, "tag": tag, "size": size,
                              "created": "2026-11-%02dT09:00:00Z" % (1 + i)})
    # Leftovers of `docker run` by hand: stopped, no compose label.
    inv["containers"] = [
        {"name": "confident_hopper", "image": "node:22-bookworm-slim", "size": 48 * MB,
         "status": "Exited (0) 3 weeks ago", "command": "\"docker-entrypoint.s…\""},
        {"name": "admiring_turing", "image": "redis:7-alpine", "size": 1200,
         "status": "Exited (0) 5 weeks ago", "command": "\"redis-cli -h 10.0.…\""},
    ]
    # Volumes and the containers that mount them.
    inv["volumes"] = [
        {"name": "sweetnarcisse-postgres", "size": 1100 * MB, "users": ["sweetnarcisse-db"]},
        {"name": "sweetnarcisse_certbot_www", "size": 12 * KB, "users": ["sweetnarcisse-nginx-1", "sweetnarcisse-certbot-1"]},
        {"name": "sweetnarcisse_certbot_etc", "size": 64 * KB, "users": ["sweetnarcisse-nginx-1", "sweetnarcisse-certbot-1"]},
        {"name": "sweetnarcisse_prometheus_data", "size": 142 * MB, "users": ["sweetnarcisse-prometheus-1"]},
        {"name": "sweetnarcisse_alertmanager_data", "size": 24 * KB, "users": ["sweetnarcisse-alertmanager-1"]},
        {"name": "sweetnarcisse_grafana_data", "size": 40 * MB, "users": ["sweetnarcisse-grafana-1"]},
        {"name": "sweet-minio-data", "size": 310 * MB, "users": []},
        {"name": hashlib.sha256(b"anon").hexdigest(), "size": 84 * MB, "users": []},
    ]
    for i, size in enumerate([912 * MB, 644 * MB, 501 * MB, 388 * MB, 214 * MB, 121 * MB, 81 * MB]):
        inv["build_cache"].append({"id": hashlib.sha256(("bc%d" % i).encode()).hexdigest()[:25],
                                   "size": size, "type": "regular", "shared": False,
                                   "description": "[app build %d/4] RUN npm ci" % (i % 4 + 1),
                                   "dangling": i >= 4, "usage": 3 + i})
    inv["removed_services"] = []
    return inv


def load():
    if os.path.exists(PATH):
        with open(PATH) as f:
            return json.load(f)
    inv = default_inventory()
    save(inv)
    return inv


def save(inv):
    tmp = PATH + ".tmp"
    with open(tmp, "w") as f:
        json.dump(inv, f, indent=1)
    os.replace(tmp, PATH)


def human(n):
    n = float(n)
    for unit in ["B", "kB", "MB", "GB", "TB"]:
        if n < 1000 or unit == "TB":
            return ("%.4g" % n) + unit
        n /= 1000.0


def cid(text):
    return hashlib.md5(text.encode()).hexdigest()[:12]


def services(inv):
    out = []
    for line in os.environ.get("SN_DOCKER_SERVICES", "").splitlines():
        if not line.strip():
            continue
        svc, name, image, state = line.split("|")
        if name in inv["removed_services"]:
            continue
        out.append({"name": name, "image": image, "state": state, "size": 2100 * KB,
                    "labels": "com.docker.compose.project=%s,com.docker.compose.service=%s" % (PROJECT, svc),
                    "status": "Up 2 hours" if state == "running" else "Exited (0) 10 minutes ago",
                    "command": "\"docker-entrypoint.s…\""})
    return out


def containers(inv):
    extra = [dict(c, state="exited", labels="") for c in inv["containers"]]
    return services(inv) + extra


def image_ref(img):
    return "%s:%s" % (img["repository"], img["tag"])


def image_users(img, conts):
    ref = image_ref(img)
    short = img["repository"] if img["tag"] == "latest" else None
    return [c for c in conts if c["image"] in (ref, short, img["id"], img["id"][7:19])]


def volume_links(vol, conts):
    names = {c["name"] for c in conts}
    return [u for u in vol["users"] if u in names]


def matches_filters(c, filters):
    for f in filters:
        key, _, value = f.partition("=")
        if key == "label!":
            if value in c["labels"].split(","):
                return False
        elif key == "label":
            labels = c["labels"].split(",")
            if value not in labels and not any(l.split("=")[0] == value for l in labels if l):
                return False
    return True


# --------------------------------------------------------------------------- system df
def df_rows(inv):
    conts = containers(inv)
    imgs = inv["images"]
    active_imgs = [i for i in imgs if image_users(i, conts)]
    isize = sum(i["size"] for i in imgs)
    irecl = isize - sum(i["size"] for i in active_imgs)
    csize = sum(c["size"] for c in conts)
    crecl = sum(c["size"] for c in conts if c["state"] != "running")
    vols = inv["volumes"]
    vsize = sum(v["size"] for v in vols)
    vrecl = sum(v["size"] for v in vols if not volume_links(v, conts))
    bsize = sum(b["size"] for b in inv["build_cache"])
    pct = lambda r, t: "%s (%d%%)" % (human(r), int(r * 100 / t) if t else 0)
    return [
        ("Images", len(imgs), len(active_imgs), human(isize), pct(irecl, isize)),
        ("Containers", len(conts), sum(1 for c in conts if c["state"] == "running"), human(csize), pct(crecl, csize)),
        ("Local Volumes", len(vols), sum(1 for v in vols if volume_links(v, conts)), human(vsize), pct(vrecl, vsize)),
        ("Build Cache", len(inv["build_cache"]), 0, human(bsize), human(bsize)),
    ]


def verbose(inv):
    conts = containers(inv)
    out = {"Images": [], "Containers": [], "Volumes": [], "BuildCache": []}
    for i in inv["images"]:
        out["Images"].append({"Containers": str(len(image_users(i, conts))), "CreatedAt": i["created"].replace("T", " ").replace("Z", " +0000 UTC"),
                              "CreatedSince": "4 weeks ago", "Digest": "<none>", "ID": i["id"][7:19],
                              "Repository": i["repository"], "SharedSize": "0B", "Size": human(i["size"]),
                              "Tag": i["tag"], "UniqueSize": human(i["size"]), "VirtualSize": human(i["size"])})
    for c in conts:
        mounts = ",".join(v["name"] for v in inv["volumes"] if c["name"] in v["users"])
        out["Containers"].append({"Command": c["command"], "CreatedAt": "2026-11-30 09:00:00 +0000 UTC",
                                  "ID": cid(c["name"]), "Image": c["image"], "Labels": c["labels"],
                                  "LocalVolumes": str(len(mounts.split(",")) if mounts else 0), "Mounts": mounts,
                                  "Names": c["name"], "Networks": PROJECT + "_default" if c["labels"] else "bridge",
                                  "Ports": "", "RunningFor": "7 days ago", "Size": human(c["size"]),
                                  "State": c["state"], "Status": c["status"]})
    for v in inv["volumes"]:
        out["Volumes"].append({"Availability": "N/A", "Driver": "local", "Group": "N/A",
                               "Labels": "com.docker.compose.project=%s" % PROJECT if v["name"].startswith(PROJECT) else "",
                               "Links": str(len(volume_links(v, conts))),
                               "Mountpoint": "/var/lib/docker/volumes/%s/_data" % v["name"],
                               "Name": v["name"], "Scope": "local", "Size": human(v["size"]), "Status": "N/A"})
    for b in inv["build_cache"]:
        out["BuildCache"].append({"CacheType": b["type"], "CreatedAt": "2026-11-20 09:00:00 +0000 UTC",
                                  "CreatedSince": "2 weeks ago", "Description": b["description"], "ID": b["id"],
                                  "InUse": "false", "LastUsedAt": "2026-11-28 09:00:00 +0000 UTC",
                                  "LastUsedSince": "9 days ago", "Parent": "", "Shared": "false",
                                  "Size": human(b["size"]), "UsageCount": str(b["usage"])})
    return out


def cmd_df(args):
    inv = load()
    verb = "-v" in args or "--verbose" in args
    fmt = ""
    if "--format" in args:
        fmt = args[args.index("--format") + 1]
    for a in args:
        if a.startswith("--format="):
            fmt = a.split("=", 1)[1]
    as_json = fmt in ("json", "{{json .}}")
    if fmt and not as_json:
        die("the docker stand-in knows --format json and '{{json .}}' only")
    if verb and as_json:
        print(json.dumps(verbose(inv), separators=(",", ":")))
        return
    if as_json:
        for t, total, active, size, recl in df_rows(inv):
            print(json.dumps({"Active": str(active), "Reclaimable": recl, "Size": size,
                              "TotalCount": str(total), "Type": t}, separators=(",", ":")))
        return
    if verb:
        v = verbose(inv)
        print("Images space usage:\n\nREPOSITORY   TAG   IMAGE ID   CREATED   SIZE   SHARED SIZE   UNIQUE SIZE   CONTAINERS")
        for i in v["Images"]:
            print("%s   %s   %s   %s   %s   %s   %s   %s" % (i["Repository"], i["Tag"], i["ID"], i["CreatedSince"], i["Size"], i["SharedSize"], i["UniqueSize"], i["Containers"]))
        print("\nContainers space usage:\n\nCONTAINER ID   IMAGE   COMMAND   LOCAL VOLUMES   SIZE   CREATED   STATUS   NAMES")
        for c in v["Containers"]:
            print("%s   %s   %s   %s   %s   %s   %s   %s" % (c["ID"], c["Image"], c["Command"], c["LocalVolumes"], c["Size"], c["RunningFor"], c["Status"], c["Names"]))
        print("\nLocal Volumes space usage:\n\nVOLUME NAME   LINKS   SIZE")
        for x in v["Volumes"]:
            print("%s   %s   %s" % (x["Name"], x["Links"], x["Size"]))
        print("\nBuild cache usage: %s\n\nCACHE ID   CACHE TYPE   SIZE   CREATED   LAST USED   USAGE   SHARED" % df_rows(inv)[3][3])
        for b in v["BuildCache"]:
            print("%s   %s   %s   %s   %s   %s   %s" % (b["ID"], b["CacheType"], b["Size"], b["CreatedSince"], b["LastUsedSince"], b["UsageCount"], b["Shared"]))
        return
    print("%-15s %-9s %-9s %-9s %s" % ("TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"))
    for row in df_rows(inv):
        print("%-15s %-9s %-9s %-9s %s" % row)


# --------------------------------------------------------------------------- prune
def die(msg, code=1):
    print(msg, file=sys.stderr)
    sys.exit(code)


def parse_prune(args, allowed):
    opts = {"all": False, "force": False, "volumes": False, "filters": []}
    it = iter(args)
    for a in it:
        if a in ("-a", "--all") and "all" in allowed:
            opts["all"] = True
        elif a in ("-f", "--force"):
            opts["force"] = True
        elif a == "--volumes" and "volumes" in allowed:
            opts["volumes"] = True
        elif a == "--filter":
            opts["filters"].append(next(it, ""))
        elif a.startswith("--filter="):
            opts["filters"].append(a.split("=", 1)[1])
        else:
            die("unknown flag: %s\nSee 'docker %s --help'." % (a, allowed[0]))
    return opts


def confirm(opts, warning):
    if opts["force"]:
        return True
    sys.stdout.write(warning + "\nAre you sure you want to continue? [y/N] ")
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def prune_containers(inv, filters):
    gone, freed = [], 0
    for c in containers(inv):
        if c["state"] == "running" or not matches_filters(c, filters):
            continue
        gone.append(cid(c["name"]))
        freed += c["size"]
        if c["labels"]:
            inv["removed_services"].append(c["name"])
        else:
            inv["containers"] = [x for x in inv["containers"] if x["name"] != c["name"]]
    return gone, freed


def prune_images(inv, all_images):
    conts = containers(inv)
    gone, freed, keep = [], 0, []
    for i in inv["images"]:
        unused = not image_users(i, conts)
        if unused and (all_images or i["repository"] == "<none>"):
            if i["repository"] != "<none>":
                gone.append("untagged: " + image_ref(i))
            gone.append("deleted: " + i["id"])
            freed += i["size"]
        else:
            keep.append(i)
    inv["images"] = keep
    return gone, freed


def prune_cache(inv, all_cache):
    gone = [b for b in inv["build_cache"] if all_cache or b["dangling"]]
    inv["build_cache"] = [b for b in inv["build_cache"] if b not in gone]
    return [b["id"] for b in gone], sum(b["size"] for b in gone)


def prune_volumes(inv):
    conts = containers(inv)
    gone = [v for v in inv["volumes"] if not volume_links(v, conts)]
    inv["volumes"] = [v for v in inv["volumes"] if v not in gone]
    return [v["name"] for v in gone], sum(v["size"] for v in gone)


def cmd_prune(kind, args):
    inv = load()
    total = 0
    if kind == "system":
        opts = parse_prune(args, ["system prune", "all", "volumes"])
        if not confirm(opts, "WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n"
                       + ("  - all anonymous volumes not used by at least one container\n" if opts["volumes"] else "")
                       + ("  - all images without at least one container associated to them\n" if opts["all"] else "  - all dangling images\n")
                       + "  - all build cache\n"):
            return
        ids, freed = prune_containers(inv, opts["filters"])
        total += freed
        if ids:
            print("Deleted Containers:\n" + "\n".join(ids) + "\n")
        if opts["volumes"]:
            names, freed = prune_volumes(inv)
            total += freed
            if names:
                print("Deleted Volumes:\n" + "\n".join(names) + "\n")
        lines, freed = prune_images(inv, opts["all"])
        total += freed
        if lines:
            print("Deleted Images:\n" + "\n".join(lines) + "\n")
        ids, freed = prune_cache(inv, opts["all"])
        total += freed
        if ids:
            print("Deleted build cache objects:\n" + "\n".join(ids) + "\n")
    elif kind == "container":
        opts = parse_prune(args, ["container prune"])
        if not confirm(opts, "WARNING! This will remove all stopped containers."):
            return
        ids, total = prune_containers(inv, opts["filters"])
        if ids:
            print("Deleted Containers:\n" + "\n".join(ids) + "\n")
    elif kind == "image":
        opts = parse_prune(args, ["image prune", "all"])
        if not confirm(opts, "WARNING! This will remove all images without at least one container associated to them."
                       if opts["all"] else "WARNING! This will remove all dangling images."):
            return
        lines, total = prune_images(inv, opts["all"])
        if lines:
            print("Deleted Images:\n" + "\n".join(lines) + "\n")
    elif kind == "builder":
        opts = parse_prune(args, ["builder prune", "all"])
        if not confirm(opts, "WARNING! This will remove all dangling build cache."):
            return
        ids, total = prune_cache(inv, opts["all"])
        if ids:
            print("ID\tRECLAIMABLE\tSIZE\tLAST ACCESSED")
            print("\n".join("%s\ttrue\t-\t9 days ago" % i for i in ids))
        print("Total:\t%s" % human(total))
        save(inv)
        return
    elif kind == "volume":
        opts = parse_prune(args, ["volume prune", "all"])
        if not confirm(opts, "WARNING! This will remove all local volumes not used by at least one container."):
            return
        names, total = prune_volumes(inv)
        if names:
            print("Deleted Volumes:\n" + "\n".join(names) + "\n")
    save(inv)
    print("Total reclaimed space: %s" % human(total))


# --------------------------------------------------------------------------- volumes
def cmd_volume(args):
    inv = load()
    sub = args[0] if args else ""
    rest = args[1:]
    if sub in ("ls", "list"):
        fmt, quiet = "", False
        it = iter(rest)
        for a in it:
            if a == "--format":
                fmt = next(it, "")
            elif a.startswith("--format="):
                fmt = a.split("=", 1)[1]
            elif a in ("-q", "--quiet"):
                quiet = True
        rows = verbose(inv)["Volumes"]
        for r in rows:  # `volume ls` does not compute sizes or links
            r["Links"] = "N/A"
            r["Size"] = "N/A"
        if quiet:
            for r in rows:
                print(r["Name"])
        elif fmt in ("json", "{{json .}}"):
            for r in rows:
                print(json.dumps(r, separators=(",", ":")))
        else:
            print("DRIVER    VOLUME NAME")
            for r in rows:
                print("local     %s" % r["Name"])
    elif sub == "rm":
        names = [a for a in rest if not a.startswith("-")]
        if not names:
            die("\"docker volume rm\" requires at least 1 argument.")
        conts = containers(inv)
        rc = 0
        for n in names:
            v = next((v for v in inv["volumes"] if v["name"] == n), None)
            if v is None:
                print("Error response from daemon: get %s: no such volume" % n, file=sys.stderr)
                rc = 1
            elif volume_links(v, conts):
                print("Error response from daemon: remove %s: volume is in use - [%s]"
                      % (n, ", ".join(cid(u) for u in volume_links(v, conts))), file=sys.stderr)
                rc = 1
            else:
                inv["volumes"].remove(v)
                print(n)
        save(inv)
        sys.exit(rc)
    elif sub == "prune":
        cmd_prune("volume", rest)
    elif sub == "restore-service":  # used by the stand-in when compose starts a pruned service again
        inv["removed_services"] = [n for n in inv["removed_services"] if n not in rest]
        save(inv)
    else:
        die("docker: 'volume %s' is not a docker command." % sub)


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what == "df":
        cmd_df(args)
    elif what == "prune":
        cmd_prune(args[0], args[1:])
    elif what == "volume":
        cmd_volume(args)
    elif what == "restore-service":
        inv = load()
        inv["removed_services"] = [n for n in inv["removed_services"] if n not in args]
        save(inv)


if __name__ == "__main__":
    main()
