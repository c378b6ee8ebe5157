#!/bin/bash
# test-cli-db.sh: narcisse-ctl report and sql on the local stack (real PostgreSQL, real sshd).
#
# The seed has, for today in Paris: 18 bookings that are not cancelled, 526 € of revenue,
# and 52600 cents of succeeded payments. Each report is run on the direct libpq path, on
# libpq through the SSH tunnel (SnSshTunnel) and on the psql-over-SSH path: all must give
# the same figures.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later

# shellcheck source=tests/cli-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli-common.sh"


json_total_is() { # json_total_is MEMBER VALUE: the report's totals.MEMBER equals VALUE
    py '
import json, sys
doc = json.load(open(sys.argv[1]))
sys.exit(0 if doc["totals"].get(sys.argv[2]) == int(sys.argv[3]) else 1)
' "$out" "$1" "$2"
}

csv_cell_is() { # csv_cell_is COLUMN VALUE: first data row's COLUMN
    py '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
sys.exit(0 if rows and rows[0].get(sys.argv[2]) == sys.argv[3] else 1)
' "$out" "$1" "$2"
}

for path in direct tunnel psql; do
    ctl --profile demo report bookings-today --format json --path "$path"
    check "bookings-today ($path): 18 bookings today" json_total_is bookings 18

    ctl --profile demo report revenue-today --format json --path "$path"
    check "revenue-today ($path): 52600 cents today" json_total_is revenue_cents 52600

    ctl --profile demo report revenue-today --format csv --path "$path"
    check "revenue-today ($path): the CSV parses and says 526.00" csv_cell_is revenue_eur 526.00

    ctl --profile demo report payments-by-provider --format json --path "$path"
    check "payments-by-provider ($path): 52600 cents succeeded" json_total_is amount_cents 52600
done

ctl --profile demo report bookings-per-boat --format json --path direct
cp "$out" "$tmp/per-boat-direct.json"
for path in tunnel psql; do
    ctl --profile demo report bookings-per-boat --format json --path "$path"
    check "bookings-per-boat: $path gives the same rows as direct libpq" \
        py 'import json, sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); sys.exit(0 if a["rows"] == b["rows"] and a["totals"] == b["totals"] else 1)' \
        "$tmp/per-boat-direct.json" "$out"
done

ctl --profile demo report occupancy --format json --path direct
cp "$out" "$tmp/occ-direct.json"
for path in tunnel psql; do
    ctl --profile demo report occupancy --path "$path" --format json
    check "occupancy: $path gives the same rows as direct libpq" \
        py 'import json, sys; a, b = (json.load(open(f)) for f in sys.argv[1:]); sys.exit(0 if a["rows"] == b["rows"] else 1)' \
        "$tmp/occ-direct.json" "$out"
done

ctl --profile demo report revenue-today
check "report table: exit 0 and a Total line" eval 'status_is 0 && stdout_has "^Total"'

LANG=fr_FR.UTF-8 LANGUAGE=fr ctl --profile demo report revenue-today --path direct
check "report table in French: 526,00 €" stdout_has "526,00"

ctl --profile demo report no-such-report
check "an unknown report is refused" eval 'status_is 2 && stderr_has "No report"'

ctl --profile demo sql 'SELECT g, g * 2 AS double, NULL::text AS nothing FROM generate_series(1, 5) g' --format csv --path direct
check "sql --format csv parses: 5 rows, NULL empty" \
    py 'import csv, sys; r = list(csv.DictReader(open(sys.argv[1]))); sys.exit(0 if len(r) == 5 and r[4]["double"] == "10" and r[0]["nothing"] == "" else 1)' "$out"

ctl --profile demo sql 'SELECT count(*) AS n FROM "Booking"' --format json
check "sql --format json parses" \
    py 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if int(d[0]["n"]) > 0 else 1)' "$out"

for path in direct tunnel; do  # psql over SSH sends CSV: no types, values stay text
    ctl --profile demo sql "SELECT 42 AS i, 1.5 AS f, true AS b, '{\"a\": [1]}'::jsonb AS j, 'x' AS t, NULL::int AS z, 12345678901234567890.12::numeric AS big" --format json --path "$path"
    check "sql --format json keeps each column's type ($path)" \
        py 'import json, sys; r = json.load(open(sys.argv[1]))[0]; sys.exit(0 if r == {"i": 42, "f": 1.5, "b": True, "j": {"a": [1]}, "t": "x", "z": None, "big": "12345678901234567890.12"} else 1)' "$out"
done

for path in direct tunnel psql; do
    ctl --profile demo sql 'UPDATE "Boat" SET "capacity" = "capacity" WHERE "id" = 1' --path "$path"
    check "a write without --allow-writes is refused in a plain sentence ($path)" \
        eval 'status_is 2 && stderr_has "read-only" && stderr_has "allow-writes" && ! stderr_has "25006"'
done

ctl --profile demo sql 'SELECT 1' --allow-writes
check "--allow-writes without --reason is refused" eval 'status_is 2 && stderr_has "reason"'

ctl --profile demo sql 'CREATE TABLE sn_cli_db_test (id int)' --allow-writes --reason "cli test"
check "with --allow-writes --reason on the admin demo profile, a write works" status_is 0
check "--allow-writes prints no GLib message or debug line on stderr" \
    eval '! grep -Eq "(Message|DEBUG|INFO)[^a-z]*:|Writes allowed on" "$err"'
ctl --profile demo sql 'INSERT INTO sn_cli_db_test VALUES (1), (2)' --allow-writes --reason "cli test" --path psql
check "writes work on the psql path too" status_is 0
ctl --profile demo sql 'SELECT count(*) AS n FROM sn_cli_db_test' --format csv
check "the rows written are there" stdout_has "^2$"
ctl --profile demo sql 'DROP TABLE sn_cli_db_test' --allow-writes --reason "cli test cleanup"
check "M6: a DROP without --yes and without a terminal is refused (exit 3)" \
    eval 'status_is 3 && stderr_has "yes"'
ctl --profile demo sql 'SELECT to_regclass($$sn_cli_db_test$$) IS NOT NULL AS present' --format csv
check "M6: ... and the table is still there" stdout_has "^t$"
ctl --profile demo sql 'DROP TABLE sn_cli_db_test' --allow-writes --reason "cli test cleanup" --yes
check "cleanup: with --yes the test table is dropped" status_is 0
check "the writes are in the audit log" grep -q '"db.sql"' "$XDG_DATA_HOME/narcisse-admin/audit.jsonl"

# A read-only profile: a copy of demo at the read-only level.
profiles=$XDG_CONFIG_HOME/narcisse-admin/profiles
sed -e 's/"name": "demo"/"name": "direction"/' -e 's/"safety-level": "admin"/"safety-level": "read-only"/' \
    "$profiles/demo.json" > "$profiles/direction.json"
ctl --profile direction sql 'DELETE FROM "Booking"' --allow-writes --reason "should not work"
check "--allow-writes on a read-only profile is refused" eval 'status_is 2 && stderr_has "not an admin profile"'
ctl --profile direction report revenue-today --format json --path direct
check "a read-only profile still gets the reports" json_total_is revenue_cents 52600

audit=$XDG_DATA_HOME/narcisse-admin/audit.jsonl
table_absent() { # table_absent NAME: checked in the database, as the owner
    ctl --profile demo sql "SELECT to_regclass('$1') IS NULL AS absent" --format csv
    stdout_has "^t$"
}

# H2: a read-only profile cannot leave its read-only transaction, on any path. "direction"
# still connects as the owner role: only the client-side net stands in the way here.
for path in direct tunnel psql; do
    ctl --profile direction sql "BEGIN READ WRITE; CREATE TABLE sn_h2_rw_$path (x int); COMMIT;" --path "$path"
    check "H2: BEGIN READ WRITE on a read-only profile is refused before it is sent ($path)" \
        eval 'status_is 2 && stderr_has "read-only"'
    check "H2: ... and no table was created ($path)" table_absent "sn_h2_rw_$path"
    ctl --profile direction sql "SET default_transaction_read_only = off; CREATE TABLE sn_h2_set_$path (x int)" --path "$path"
    check "H2: SET default_transaction_read_only=off is refused ($path)" status_is 2
    check "H2: ... and no table was created ($path)" table_absent "sn_h2_set_$path"
    ctl --profile direction sql "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE" --path "$path"
    check "H2: SET SESSION CHARACTERISTICS ... READ WRITE is refused ($path)" status_is 2
    ctl --profile direction sql "SELECT set_config('default_transaction_read_only', 'off', false); CREATE TABLE sn_h2_cfg_$path (x int)" --path "$path"
    check "H2: set_config(...) then a write is refused ($path)" \
        eval 'status_is 2 && table_absent sn_h2_cfg_'"$path"
done
meta=$tmp/psql-meta-ran
ctl --profile direction sql "\\! touch $meta" --path psql
check "psql meta-commands are refused on the psql path" eval 'status_is 2 && [[ ! -e $meta ]]'

before=$(grep -c '"db.sql.started"' "$audit" || true)
ctl --profile direction sql 'SELECT 1 AS one' --path direct
ctl --profile direction sql "BEGIN READ WRITE; CREATE TABLE sn_h2_audit (x int); COMMIT;" --path psql
after=$(grep -c '"db.sql.started"' "$audit" || true)
check "H2: every statement of a read-only profile leaves a 'started' audit line" test "$after" -eq $((before + 2))
check "H2: ... and a result line with its command tag" \
    eval 'grep "\"db.sql\"" "$audit" | grep -q "SELECT 1 AS one -- SELECT 1"'

# The stack's ready read-only profile: the read-only role and the tunnel-only SSH key.
cp "$SN_STACK_DIR/demo-ro.json" "$profiles/demo-ro.json"
ctl --profile demo-ro report revenue-today --format json
check "demo-ro: reports work through the tunnel with the read-only role" json_total_is revenue_cents 52600
ctl --profile demo-ro sql 'SELECT current_user AS u' --format csv
check "demo-ro: the session runs as the read-only role" stdout_has "^snarcisse_ro$"
ctl --profile demo-ro sql 'CREATE TABLE sn_ro_role (x int)'
check "demo-ro: the role refuses a plain write" eval 'status_is 2 && table_absent sn_ro_role'
SECONDS=0
ctl --profile demo-ro sql 'SELECT 1' --path psql
check "demo-ro: psql over SSH with the tunnel-only key fails at once, saying to use the tunnel" \
    eval 'status_is 2 && stderr_has "tunnel" && [[ $SECONDS -lt 20 ]]'
# The same role on the psql path (a key that may run commands): psql connects as the profile's db-user.
sed -e 's/"name": "demo-ro"/"name": "direction-ro"/' \
    -e "s|\"ssh-key-file\": \"[^\"]*\"|\"ssh-key-file\": \"$(sed -n 's/^SSH_KEY=//p' "$SN_STACK_DIR/stack.env")\"|" \
    "$profiles/demo-ro.json" > "$profiles/direction-ro.json"
ctl --profile direction-ro sql 'SELECT current_user AS u' --format csv --path psql
check "the psql path connects as the profile's db-user (the read-only role)" stdout_has "^snarcisse_ro$"

# M6: writes on production need --yes and --confirm NAME, the name typed by the person.
py '
import json, sys
p = json.load(open(sys.argv[1])); p["name"] = "prod"; p["production"] = True
json.dump(p, open(sys.argv[2], "w"), indent=2)
' "$profiles/demo.json" "$profiles/prod.json"
ctl --profile demo sql 'CREATE TABLE sn_m6 (x int)' --allow-writes --reason "cli test M6"
ctl --profile prod sql 'DROP TABLE sn_m6' --allow-writes --reason "cli test M6"
check "M6: a DROP on production without --yes --confirm is refused (exit 3)" status_is 3
ctl --profile prod sql 'DROP TABLE sn_m6' --allow-writes --reason "cli test M6" --yes
check "M6: --yes alone is not enough on production" eval 'status_is 3 && stderr_has "confirm"'
ctl --profile prod sql 'DROP TABLE sn_m6' --allow-writes --reason "cli test M6" --yes --confirm demo
check "M6: --confirm with another name is refused" status_is 3
check "M6: ... and the table is still there" eval '! table_absent sn_m6'
ctl --profile prod sql 'INSERT INTO sn_m6 VALUES (1)' --allow-writes --reason "cli test M6" --yes
check "M6: any write on production needs --confirm, not only a destructive one" status_is 3
ctl --profile prod sql 'DROP TABLE sn_m6' --allow-writes --reason "cli test M6" --yes --confirm prod
check "M6: with --yes --confirm prod the DROP runs" eval 'status_is 0 && table_absent sn_m6'
check "M6: the DROP has a 'started' line before its result line" \
    py '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
mine = [l["action"] for l in lines if l["profile"] == "prod" and "DROP TABLE sn_m6" in l["command"]]
sys.exit(0 if mine == ["db.sql.started", "db.sql"] else 1)
' "$audit"

# A statement whose "started" line cannot be written is not sent.
mv "$audit" "$audit.saved" && mkdir "$audit"
ctl --profile demo sql 'CREATE TABLE sn_no_audit (x int)' --allow-writes --reason "cli test audit"
rmdir "$audit" && mv "$audit.saved" "$audit"
check "no audit line, no statement: refused" eval 'status_is 3 && stderr_has "audit"'
check "... and the table was not created" table_absent sn_no_audit

cli_finish
