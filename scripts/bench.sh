#!/usr/bin/env bash
# Builds the bench module, runs the JMH suite and prints one table of ratios (candidate ÷ baseline
# measured in the same run), as docs/benchmarks.md shows it.
#
#   scripts/bench.sh               quick run (~9 min on 2 idle cores plus ~5 min of weight
#                                  broadcast; much longer on a busy one)
#   scripts/bench.sh --full        longer warm-up and measurement (~25 min)
#   scripts/bench.sh -- ARGS...    one JMH run with your own arguments instead of the suite, e.g.
#                                  scripts/bench.sh -- Decode -p model=stories260K -p newTokens=256
#
# Results: bench/target/jmh.json (JMH JSON of every case), JMH console logs in
# bench/target/jmh-*.log. Environment: BEAVER_SHARED (the shared data folder; default ../shared
# beside the repository), DJL_CACHE_DIR (where libtorch is extracted; default ~/.cache/beaver/djl),
# JAVA_HOME, BENCH_SKIP_BUILD=1 (reuse bench/target as it is).
set -euo pipefail

# The whole script is one function, parsed before it runs: editing the file during a long run
# cannot change what the run does.
main() {
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cd "$ROOT"

  MODE=quick
  USER_ARGS=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --full) MODE=full; shift ;;
      --) shift; USER_ARGS=("$@"); break ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
      *) echo "unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
  done

  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "building bench/target/benchmarks.jar ..." >&2
    # Maven's output goes to stderr so that stdout carries only the table.
    mvn -q -B -DskipTests -pl bench -am package >&2
  fi

  export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.cache/beaver/djl}"
  JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  CP="bench/target/benchmarks.jar:bench/target/lib/*"
  OUT=bench/target
  GROUPS_RUN=(core llama20m-cache llama20m-recompute stories260K-256 ppo-lag pipeline monitoring broadcast gemm-end custom)
  # Only this script's own files: other JMH runs may share bench/target.
  rm -f "$OUT/jmh.json"
  for g in "${GROUPS_RUN[@]}"; do rm -f "$OUT/jmh-$g.json" "$OUT/jmh-$g.log"; done

  # Which models can run: stories260K and the Llama-2 tokenizer (for llama20m) live in the shared
  # data folder, which a fresh clone may lack.
  SHARED="${BEAVER_SHARED:-$(dirname "$ROOT")/shared}"
  HAVE_STORIES=0
  HAVE_LLAMA=0
  [[ -f "$SHARED/data/tinyllamas-stories260K/hf/model.safetensors" ]] && HAVE_STORIES=1
  [[ -f "$SHARED/data/llama2-tokenizer/tokenizer.json" ]] && HAVE_LLAMA=1
  [[ $HAVE_STORIES == 1 ]] || echo "skipping stories260K: not found under $SHARED (set BEAVER_SHARED)" >&2
  [[ $HAVE_LLAMA == 1 ]] || echo "skipping llama20m and the training step: Llama-2 tokenizer not found under $SHARED (set BEAVER_SHARED)" >&2

  PARTS=()
  # run NAME JMH_ARGS...: one JMH invocation, console output to its log, JSON to jmh-NAME.json.
  run() {
    local name="$1"; shift
    local log="$OUT/jmh-$name.log" json="$OUT/jmh-$name.json"
    echo "[$(date +%T)] JMH $name: $* (log: $log; load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    if ! "$JAVA" -cp "$CP" org.openjdk.jmh.Main "$@" -rf json -rff "$json" >"$log" 2>&1; then
      echo "JMH $name failed; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
    if grep -q '<failure>' "$log"; then
      echo "warning: a benchmark of $name failed (rows missing below); see $log:" >&2
      grep -A3 '<failure>' "$log" | head -n 12 >&2
    fi
    [[ -s "$json" ]] && PARTS+=("$json")
    return 0
  }

  if [[ ${#USER_ARGS[@]} -gt 0 ]]; then
    run custom "${USER_ARGS[@]}"
  else
    if [[ $MODE == full ]]; then
      STEADY=(-f 1 -wi 3 -i 5 -w 3s -r 5s)
      HEAVY=(-f 1 -wi 1 -i 3 -w 1s -r 1s)
      RL=(-f 1 -wi 1 -i 5 -w 1s -r 1s)
      BCAST=(-f 1 -wi 3 -i 5 -w 1s -r 2s)
    else
      STEADY=(-f 1 -wi 2 -i 3 -w 2s -r 3s)
      # Cases of tens of seconds per operation: one warm-up operation, one measured.
      HEAVY=(-f 1 -wi 1 -i 1 -w 1s -r 1s)
      # RL iterations and pipeline runs (1-20 s per operation): one warm-up, two measured.
      RL=(-f 1 -wi 1 -i 2 -w 1s -r 1s)
      # Weight broadcast: 0.1-3 s per operation; the first warm-up iteration includes the
      # associations' handshakes and the receivers' JIT.
      BCAST=(-f 1 -wi 2 -i 3 -w 1s -r 2s)
    fi
    B=dev.beaver.bench
    # 1. The GEMM baseline, the training step and stories260K decoding at 64 new tokens.
    CORE="$B.MatmulBenchmark"
    [[ $HAVE_LLAMA == 1 ]] && CORE="$CORE|$B.TrainStepBenchmark"
    [[ $HAVE_STORIES == 1 ]] && CORE="$CORE|$B.DecodeBenchmark"
    run core "($CORE)\." -p model=stories260K -p newTokens=64 "${STEADY[@]}"
    if [[ $HAVE_LLAMA == 1 ]]; then
      # 2. llama20m decoding with the KV cache, then its recomputation baseline (B=32 recomputes
      #    ~75k token positions per operation: over a minute).
      run llama20m-cache "$B.DecodeBenchmark\." -p model=llama20m -p cache=true -p newTokens=64 "${STEADY[@]}"
      run llama20m-recompute "$B.DecodeBenchmark\." -p model=llama20m -p cache=false -p newTokens=64 "${HEAVY[@]}"
    fi
    if [[ $HAVE_STORIES == 1 ]]; then
      # 3. The KV-cache target is stated at 256 generated tokens: stories260K at B=32 can afford it
      #    (recomputation: ~1M token positions per operation).
      run stories260K-256 "$B.DecodeBenchmark\." -p model=stories260K -p batch=32 -p newTokens=256 "${HEAVY[@]}"
    fi
    # 4. One PPO-Lag iteration of the in-process trainer (MFU against the GEMM rate), on llama20m
    #    (~10-20 s per iteration) and stories260K.
    PPO_MODELS=""
    [[ $HAVE_LLAMA == 1 ]] && PPO_MODELS="llama20m"
    [[ $HAVE_STORIES == 1 ]] && PPO_MODELS="${PPO_MODELS:+$PPO_MODELS,}stories260K"
    if [[ -n $PPO_MODELS ]]; then
      run ppo-lag "$B.PpoLagIterationBenchmark\." -p model="$PPO_MODELS" "${RL[@]}"
    fi
    # 5. The actor pipeline, synchronous vs asynchronous, with the SIMULATED-LATENCY rollout
    #    (calibrated at setup so that rollout and learning of a round take the same time).
    if [[ $HAVE_STORIES == 1 ]]; then
      run pipeline "$B.PipelineBenchmark\." "${RL[@]}"
      # 5b. Monitoring overhead: the same job with monitoring and the dashboard on, then off
      #     (order alternating), real sampling; ratio of steady-state samples/s (~2 min); and
      #     the worst case per message (an empty actor, plain vs instrumented).
      run monitoring "$B.Monitoring(Message)?Benchmark\." "${RL[@]}"
    fi
    # 6. Weight broadcast between JVMs on loopback (child receiver JVMs started per trial): raw
    #    java.net TCP (the baseline), one ChunkSender per receiver, and the pipelined relay
    #    (Broadcast), to R = 1, 2, 4 receivers, 64 MiB each (~2-4 min). Needs no model files.
    run broadcast "$B.BroadcastBenchmark\." -p payloadMiB=64 "${BCAST[@]}"
    # 7. The GEMM baseline again: Report uses the faster of the two, so that a baseline measured
    #    while the machine was busy does not flatter the ratios.
    run gemm-end "$B.MatmulBenchmark\." "${STEADY[@]}"
  fi

  if [[ ${#PARTS[@]} -eq 0 ]]; then
    echo "no results" >&2
    exit 1
  fi
  "$JAVA" -cp "$CP" dev.beaver.bench.Report --merge "$OUT/jmh.json" "${PARTS[@]}"
  echo "[$(date +%T)] done; JMH JSON: $OUT/jmh.json (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  echo
  "$JAVA" -cp "$CP" dev.beaver.bench.Report "$OUT/jmh.json"
}

main "$@"
