#!/usr/bin/env bash
# A throw-away local Redis Cluster of three masters (no replicas, no persistence) on free ports, for the tests
# and for trying the bot on a cluster by hand.
#
#   scripts/redis-cluster.sh start [DIR]   starts it; prints REDIS_CLUSTER_NODES=127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3
#   scripts/redis-cluster.sh stop [DIR]    stops it and removes DIR
#
# DIR (default: $TMPDIR/apu-ku-apu-redis-cluster) holds the nodes' files, logs and process ids; a second cluster
# needs a second DIR. Needs redis-server and redis-cli 7 (Debian: apt-get install redis-server) and node.
set -euo pipefail

command=${1:-}
dir=${2:-${TMPDIR:-/tmp}/apu-ku-apu-redis-cluster}
masters=3

fail() { echo "redis-cluster: $*" >&2; exit 1; }

stop() {
  [ -d "$dir" ] || return 0
  local pidfile pid pids=()
  for pidfile in "$dir"/redis-*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # Only our own nodes: the process must still be a redis-server (a pid file can outlive its process).
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "redis-server"; then
      kill "$pid" 2>/dev/null && pids+=("$pid")
    fi
  done
  # All at once: each node takes a second or so to exit.
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$dir"
}

start() {
  command -v redis-server >/dev/null 2>&1 || fail "redis-server is not installed (Debian: apt-get install redis-server)"
  command -v redis-cli >/dev/null 2>&1 || fail "redis-cli is not installed (Debian: apt-get install redis-tools)"
  command -v node >/dev/null 2>&1 || fail "node is needed to find free ports"
  local version
  version=$(redis-server --version | sed -n 's/.* v=\([0-9]*\)\..*/\1/p')
  [ "${version:-0}" -ge 7 ] || fail "redis-server 7 or newer is needed (cluster-port); found: $(redis-server --version)"
  [ -e "$dir/nodes" ] && fail "a cluster already runs from $dir (stop it first: $0 stop $dir)"
  mkdir -p "$dir"

  # Free ports from the system, all held until every one is known so that none is given twice: a client port and a
  # cluster bus port per master (the bus port is set explicitly, since port + 10000 may be past 65535).
  local ports
  ports=$(node -e '
    const net = require("node:net");
    const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
    Promise.all(servers.map((server) => new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)))))
      .then((ports) => { console.log(ports.join(" ")); servers.forEach((server) => server.close()); });
  ' $((masters * 2)))
  read -r -a port <<<"$ports"

  local nodes=() i p
  for ((i = 0; i < masters; i++)); do
    p=${port[$i]}
    redis-server --port "$p" --cluster-port "${port[$((i + masters))]}" --bind 127.0.0.1 \
      --cluster-enabled yes --cluster-config-file "nodes-$p.conf" --cluster-node-timeout 5000 \
      --dir "$dir" --save '' --appendonly no \
      --daemonize yes --pidfile "$dir/redis-$p.pid" --logfile "$dir/redis-$p.log" ||
      { stop; fail "redis-server did not start on port $p"; }
    nodes+=("127.0.0.1:$p")
  done
  for p in "${port[@]:0:masters}"; do
    for _ in $(seq 1 100); do redis-cli -p "$p" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done
    redis-cli -p "$p" ping 2>/dev/null | grep -q PONG || { stop; fail "redis-server on port $p does not answer (see its log in $dir)"; }
  done

  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 ||
    { cat "$dir/create.log" >&2; stop; fail "redis-cli --cluster create failed"; }

  # Ready when every node says so (each learns the others' slots by gossip).
  local ok
  for _ in $(seq 1 200); do
    ok=0
    for p in "${port[@]:0:masters}"; do redis-cli -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' && ok=$((ok + 1)); done
    [ "$ok" -eq "$masters" ] && break
    sleep 0.05
  done
  [ "$ok" -eq "$masters" ] || { stop; fail "the cluster did not reach cluster_state:ok"; }

  local list
  list=$(IFS=,; echo "${nodes[*]}")
  echo "$list" >"$dir/nodes"
  echo "REDIS_CLUSTER_NODES=$list"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
