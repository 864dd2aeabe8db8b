#!/usr/bin/env bash
# Runs an RL job on a local multi-JVM cluster over loopback: a coordinator JVM (the seed, which
# runs the job), and rollout, scorer and learner nodes as separate JVMs (`beaver node`). Exits
# with the job's status; stops the nodes afterwards.
#
#   scripts/cluster-local.sh [--rollout_nodes R] [--scorer_nodes S] [--learner_nodes K]
#       [--command ppo|ppo-lag|ppo-reward-shaping] [--transport tcp|aeron-udp]
#       -- <flags of the command, including --output_dir D>
#
# Defaults: R=1, S=1, K=1 (K > 1 learner JVMs train as a sharded learner group), --command
# ppo-lag, --transport tcp (on one host Artery's tcp is faster than aeron-udp and spins no CPU;
# aeron-udp is the cross-host default). The seeds are the coordinator and learner-0.
# Each node's pid and log: D/nodes/ROLE-I.pid and D/nodes/ROLE-I.log.
# A node that dies while the job runs is started again (same role and log, appended): a rollout
# or scorer node rejoins the job and gets the current weights; after a learner node is lost the
# job restarts from its newest --save_interval checkpoint; a coordinator killed by a signal is
# started again (on a new port) with --resume, joins through learner-0 (the coordinator and
# learner-0 are the seeds) and continues from that checkpoint. Nodes started again take new ports
# (a lost node's host:port is quarantined), so once both seeds are lost no node can join any
# more. --no_restart turns this off.
# Environment: BEAVER_CMD (how to run beaver, split on whitespace; default scripts/beaver),
# BEAVER_SEED_PORT (the seed's port; default a free one).
set -euo pipefail

main() {
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local rollout=1 scorer=1 learner=1 command=ppo-lag transport=tcp
  RESTART=1
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --rollout_nodes) rollout="$2"; shift 2 ;;
      --scorer_nodes) scorer="$2"; shift 2 ;;
      --learner_nodes) learner="$2"; shift 2 ;;
      --command) command="$2"; shift 2 ;;
      --transport) transport="$2"; shift 2 ;;
      --no_restart) RESTART=0; shift ;;
      --) shift; break ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
      *) echo "error: unknown option '$1' (job flags go after --; try --help)" >&2; exit 2 ;;
    esac
  done
  for n in "$rollout" "$scorer" "$learner"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "error: node counts must be positive integers, got '$n'" >&2; exit 2; }
  done
  local out="" prev=""
  for a in "$@"; do
    [[ "$prev" == --output_dir ]] && out="$a"
    [[ "$a" == --output_dir=* ]] && out="${a#--output_dir=}"
    prev="$a"
  done
  [[ -n "$out" ]] || { echo "error: give the job's --output_dir after --" >&2; exit 2; }
  mkdir -p "$out/nodes"

  # shellcheck disable=SC2206
  BEAVER=(${BEAVER_CMD:-$ROOT/scripts/beaver})
  if [[ -z "${BEAVER_CMD:-}" ]]; then
    # Build once now rather than in every JVM at the same time.
    "${BEAVER[@]}" --version >/dev/null
  fi

  local port="${BEAVER_SEED_PORT:-$(free_port)}"
  LEARNER_PORT="$(free_port)"
  # Two seeds, the coordinator and learner-0 (both on fixed ports): a coordinator started again
  # joins the running cluster through learner-0 instead of forming a cluster of its own.
  local seed="127.0.0.1:$port,127.0.0.1:$LEARNER_PORT"
  PIDS=()
  NODES=()
  trap stop_nodes EXIT
  trap 'exit 130' INT TERM

  JOB=("${BEAVER[@]}" "$command" "$@" --seed_nodes "$seed"
    --transport "$transport" --rollout_nodes "$rollout" --scorer_nodes "$scorer"
    --learner_nodes "$learner")
  local resume=(--resume)
  for a in "$@"; do [[ "$a" == --resume ]] && resume=(); done
  "${JOB[@]}" --node_port "$port" >"$out/nodes/coordinator-0.log" 2>&1 &
  local coordinator=$!
  echo "$coordinator" >"$out/nodes/coordinator-0.pid"
  start_nodes learner "$learner" "$seed" "$transport" "$out"
  start_nodes scorer "$scorer" "$seed" "$transport" "$out"
  start_nodes rollout "$rollout" "$seed" "$transport" "$out"
  echo "cluster: seeds $seed, $learner learner, $scorer scorer, $rollout rollout node(s); logs in $out/nodes" >&2

  local status restarts=0
  while true; do
    while kill -0 "$coordinator" 2>/dev/null; do
      [[ $RESTART == 1 ]] && restart_dead_nodes "$seed" "$transport" "$out"
      sleep 1
    done
    status=0
    wait "$coordinator" || status=$?
    # Killed by a signal (not a job that failed, exit 1): start the coordinator again; with
    # --resume the job continues from the newest checkpoint of its --output_dir. It takes a new
    # port: the cluster quarantines the old incarnation's address (host:port) after a new one
    # joins there, which would end the new coordinator's job on every node. It joins through
    # learner-0, the other seed.
    if [[ $RESTART == 1 && $status -gt 128 && $restarts -lt 3 ]]; then
      restarts=$((restarts + 1))
      echo "coordinator died (exit $status); starting it again with --resume" >&2
      echo "--- restarted $(date -u +%FT%TZ) ---" >>"$out/nodes/coordinator-0.log"
      "${JOB[@]}" "${resume[@]}" --node_port "$(free_port)" \
        >>"$out/nodes/coordinator-0.log" 2>&1 &
      coordinator=$!
      echo "$coordinator" >"$out/nodes/coordinator-0.pid"
      continue
    fi
    break
  done
  if [[ $status -ne 0 ]]; then
    echo "job failed (exit $status); last lines of $out/nodes/coordinator-0.log:" >&2
    tail -n 20 "$out/nodes/coordinator-0.log" >&2
  fi
  exit "$status"
}

start_nodes() {
  local role="$1" count="$2" seed="$3" transport="$4" out="$5" i
  for ((i = 0; i < count; i++)); do
    start_node "$role" "$i" "$seed" "$transport" "$out"
  done
}

# learner-0 is the second seed, on a fixed port.
start_node() {
  local role="$1" i="$2" seed="$3" transport="$4" out="$5" port=0
  [[ "$role-$i" == learner-0 ]] && port="$LEARNER_PORT"
  launch_node "$role" "$i" "$seed" "$transport" "$out" "$port"
  NODES+=("$role-$i")
}

launch_node() {
  local role="$1" i="$2" seed="$3" transport="$4" out="$5" port="$6"
  "${BEAVER[@]}" node --role "$role" --seed_nodes "$seed" --port "$port" \
    --transport "$transport" >>"$out/nodes/$role-$i.log" 2>&1 &
  echo $! >"$out/nodes/$role-$i.pid"
  PIDS+=($!)
}

restart_dead_nodes() {
  local seed="$1" transport="$2" out="$3" name pid
  for name in "${NODES[@]}"; do
    pid="$(cat "$out/nodes/$name.pid")"
    # A stopped (SIGSTOP) node is alive: the cluster decides about it.
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "node $name (pid $pid) died; starting it again" >&2
      echo "--- restarted $(date -u +%FT%TZ) ---" >>"$out/nodes/$name.log"
      # On a new port: the cluster quarantines a lost node's host:port after a new incarnation
      # joins there, which would cut the new one off. It joins through the seeds.
      launch_node "${name%-*}" "${name##*-}" "$seed" "$transport" "$out" 0
    fi
  done
}

# SIGTERM lets each node leave the cluster; stragglers are killed after 20 s.
stop_nodes() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for ((t = 0; t < 40; t++)); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && return 0
    sleep 0.5
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
}

free_port() {
  local p
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "error: no free port found" >&2
  exit 1
}

main "$@"
