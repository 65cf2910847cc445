#!/usr/bin/env bash
# The cluster path, proved for real without Docker: PostgreSQL from Debian's packages, the Temporal
# server and temporal-sql-tool built from Go modules at the version docker-compose.yml pins, the schema
# set up by the compose schema job's own script, the namespace by the compose setup job's own command,
# then Leasehold (worker, webhook starter, sandboxes) against that cluster: one request is approved in
# Jira, granted in Okta, and expires.
#
#   bash scripts/cluster-proof.sh          # ~15 min the first time (the Go build), ~2 min after
#
# Needs: Go (the toolchain the server's go.mod asks for comes from the Go module proxy), Node.js,
# and root or sudo for apt-get when PostgreSQL is missing. Not part of `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VERSION=$(sed -n 's|^ *image: temporalio/server:\([0-9.]*\)$|\1|p' docker-compose.yml)
[ -n "$VERSION" ] || { echo "no temporalio/server version in docker-compose.yml" >&2; exit 1; }
TOOLS=$ROOT/.leasehold/tools/temporal-server-$VERSION
WORK=$(mktemp -d /tmp/leasehold-cluster-XXXXXX)
PGPORT=${PGPORT:-55432}
export TEMPORAL_ADDRESS=127.0.0.1:${TEMPORAL_PORT:-7233}
export TEMPORAL_NAMESPACE=leasehold
step() { printf '\n== %s\n' "$*"; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

step "Temporal server $VERSION and temporal-sql-tool, from Go modules"
if [ ! -x "$TOOLS/temporal-server" ] || [ ! -x "$TOOLS/temporal-sql-tool" ]; then
  mkdir -p "$TOOLS/src"
  cd "$TOOLS/src"
  [ -f go.mod ] || go mod init leasehold-cluster-proof >/dev/null
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "go.temporal.io/server/cmd/server"\n\t_ "go.temporal.io/server/cmd/tools/sql"\n)\n' > tools.go
  # The server's go.mod asks for a newer Go than some machines have: take it from the module proxy.
  export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
  go get "go.temporal.io/server@v$VERSION"
  go mod tidy
  go build -o "$TOOLS/temporal-server" go.temporal.io/server/cmd/server
  go build -o "$TOOLS/temporal-sql-tool" go.temporal.io/server/cmd/tools/sql
  cd "$ROOT"
fi
SCHEMA=$(cd "$TOOLS/src" && GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} go list -m -f '{{.Dir}}' go.temporal.io/server)/schema
"$TOOLS/temporal-server" --version 2>/dev/null || true

step "PostgreSQL from Debian's packages on 127.0.0.1:$PGPORT"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq postgresql >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
AS=()
if [ "$(id -u)" = 0 ]; then id postgres >/dev/null 2>&1 || useradd -r postgres; chown postgres "$WORK"; AS=(runuser -u postgres --); fi
echo temporal > "$WORK/pw"
"${AS[@]}" "$PGBIN/initdb" -D "$WORK/pg" -U temporal --pwfile="$WORK/pw" -A scram-sha-256 >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg" -o "-p $PGPORT -k $WORK -c listen_addresses=127.0.0.1" -l "$WORK/pg.log" -w start >/dev/null
PIDS+=("$(head -1 "$WORK/pg/postmaster.pid")")

step "schema: the compose temporal-schema job's script (postgresql:5432 → 127.0.0.1:$PGPORT)"
node -e '
  const { parse } = require("yaml");
  const job = parse(require("fs").readFileSync("docker-compose.yml", "utf8"), { merge: true }).services["temporal-schema"];
  process.stdout.write(job.command[0].replace(/\$\$/g, "$"));
' | sed -e "s|temporal-sql-tool|$TOOLS/temporal-sql-tool|" -e "s|--ep postgresql -p 5432|--ep 127.0.0.1 -p $PGPORT|" -e "s|/etc/temporal/schema|$SCHEMA|" > "$WORK/schema.sh"
cat "$WORK/schema.sh"
SQL_PASSWORD=temporal sh "$WORK/schema.sh" 2>&1 | grep -E "level\":\"(error|fatal)|[Ee]rror" && exit 1 || true
echo "schema set up"

step "Temporal server $VERSION on $TEMPORAL_ADDRESS (the image's embedded config, from the compose environment)"
: > "$WORK/dynamicconfig.yaml"
( cd "$WORK" && DB=postgres12 DB_PORT=$PGPORT POSTGRES_USER=temporal POSTGRES_PWD=temporal POSTGRES_SEEDS=127.0.0.1 \
    BIND_ON_IP=127.0.0.1 FRONTEND_GRPC_PORT=${TEMPORAL_ADDRESS##*:} DYNAMIC_CONFIG_FILE_PATH=$WORK/dynamicconfig.yaml \
    "$TOOLS/temporal-server" start > "$WORK/temporal.log" 2>&1 ) &
PIDS+=($!)

step "namespace and search attributes: the compose temporal-setup job's command, twice"
SETUP=$(node -e '
  const { parse } = require("yaml");
  const job = parse(require("fs").readFileSync("docker-compose.yml", "utf8"), { merge: true }).services["temporal-setup"];
  process.stdout.write(job.command.join(" ").replace("${LEASEHOLD_RETENTION_DAYS:-365}", "365"));
')
echo "leasehold $SETUP"
node bin/leasehold.js $SETUP
node bin/leasehold.js $SETUP

step "Leasehold (worker, webhook starter, sandboxes) against the cluster"
npm run build --silent
LEASEHOLD_LOG_LEVEL=warn node bin/leasehold.js start > "$WORK/leasehold.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do grep -q "Leasehold is running" "$WORK/leasehold.log" && break; sleep 1; done
grep -q "Leasehold is running" "$WORK/leasehold.log" || { tail -40 "$WORK/leasehold.log"; exit 1; }
grep -E "Temporal  " "$WORK/leasehold.log"

step "one request: asked, approved in Jira, granted in Okta, expired"
KEY=$(node bin/leasehold.js demo request --as alice --app "AWS Production" --level Read-only --duration "30 seconds" --why "cluster proof" | grep -o 'ACCESS-[0-9]*' | head -1)
echo "raised $KEY"
state() { node bin/leasehold.js request show "$KEY" -o json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{process.stdout.write(JSON.parse(s).state)}catch{}})'; }
waitfor() { for _ in $(seq 1 120); do [ "$(state)" = "$1" ] && return 0; sleep 1; done; echo "still $(state), not $1" >&2; return 1; }
waitfor AwaitingApproval
node bin/leasehold.js demo move "$KEY" "Approved by Manager" --as bob
waitfor Active
echo "$KEY Active at $(date -u +%T)"
waitfor Expired
echo "$KEY Expired at $(date -u +%T)"
node bin/leasehold.js evidence "$KEY" -o json | node -e '
  let s=""; process.stdin.on("data",d=>s+=d).on("end",()=>{ const e=JSON.parse(s);
    console.log(JSON.stringify({ outcome: e.outcome ?? e.state, grantedAt: e.grantedAt, expiresAt: e.expiresAt, endedAt: e.endedAt ?? e.closedAt, approvals: (e.approvals||[]).map(a=>`${a.email ?? a.accountId} as ${a.as} at ${a.at}`), groupChanges: (e.groupChanges||[]).map(c=>`${c.action} ${c.groupId} at ${c.at}`) }, null, 2)); });' || true
printf '\nCLUSTER PROOF OK: Temporal %s on PostgreSQL (%s), %s granted and expired\n' "$VERSION" "$("$PGBIN/postgres" --version)" "$KEY"
