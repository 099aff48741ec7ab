#!/usr/bin/env bash
# Runs one benchmark scenario end to end, Krypton and Mosquitto side by side on this
# machine: builds, starts each server on loopback, drives it with krypton-loadgen,
# stops it, and prints one JSON line per run (and the medians).
#
#   bench/run.sh roundtrip|idle|login-storm|fanout [RUNS]
#   bench/run.sh roundtrip-ws [RUNS]  roundtrip with Krypton's apps over WebSocket (target
#                                     krypton-ws), Krypton over TCP and Mosquitto alongside
#   bench/run.sh sweep [RUNS]     latency against offered load, both servers, PNG plot
#
# Knobs (environment): PAIRS (roundtrip, 20), DEVICES (idle/login-storm, 5000),
# APPS (fanout, 200), RATE (fanout reports/s, 200), DURATION (10 s), WARMUP (2 s),
# KRYPTON_THREADS (event loops, 1: the same single core Mosquitto uses), OUT (results dir),
# LOADGEN_PROCS (roundtrip/idle/login-storm: split the devices over this many load-generator
# processes, 1; one process holds at most ≈20,000 descriptors — their JSON lines are merged:
# counts and rates summed, percentiles and server figures the maximum over processes).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:?scenario: roundtrip, idle, login-storm, fanout or sweep}"
runs="${2:-3}"
PAIRS="${PAIRS:-20}" DEVICES="${DEVICES:-5000}" APPS="${APPS:-200}" RATE="${RATE:-200}"
DURATION="${DURATION:-10}" WARMUP="${WARMUP:-2}" KRYPTON_THREADS="${KRYPTON_THREADS:-1}"
OUT="${OUT:-build/bench}"
mkdir -p "$OUT"

./scripts/build default --target krypton --target krypton-loadgen >/dev/null
if ! command -v mosquitto >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto >/dev/null
fi
K=build/default/src/app/krypton
L=build/default/bench/loadgen/krypton-loadgen
WORK=$(mktemp -d)
KPID="" MPID=""
cleanup() {
  [ -n "$KPID" ] && kill "$KPID" 2>/dev/null || true
  [ -n "$MPID" ] && kill "$MPID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Fresh Krypton data dir with the demo product and user, N devices registered and
# bound to the demo user, an access token in $WORK/token.
prepare_krypton() {
  local n="$1"
  rm -rf "$WORK/k" "$WORK/tokens"
  $K admin demo --data-dir "$WORK/k" --json > "$WORK/demo.json"
  start_krypton
  $L --scenario register --devices "$n" --device-port "$DEV_PORT" --token-file "$WORK/tokens" >/dev/null
  stop_krypton
  local uid
  uid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uid"])' "$WORK/demo.json")
  # Bind in batches (one command per 500 devices).
  cut -d' ' -f1 "$WORK/tokens" | xargs -n 500 sh -c \
    'args=""; for d in "$@"; do args="$args --dev-tid $d"; done; '"$K"' admin device bind --data-dir '"$WORK/k"' --uid '"$uid"' $args >/dev/null' _
  $K admin token issue --data-dir "$WORK/k" --uid "$uid" > "$WORK/token"
}

# Every load connection comes from 127.0.0.1: no per-IP bound on connections that have not
# logged in yet (net.max_prelogin_per_ip, docs/security/conns.md).
start_krypton() {
  $K serve --data-dir "$WORK/k" --set listen.address=127.0.0.1 --set http.port=0 --set info.port=0 \
    --set hub.device.port=0 --set hub.app.tcp_port=0 --set hub.app.ws_port=0 --set log.level=warn \
    --set server.threads="$KRYPTON_THREADS" --set hub.max_connections=100000 \
    --set hub.device_registrations_per_ip_per_min=10000000 \
    --set net.max_prelogin_per_ip=0 \
    > "$WORK/k.out" 2> "$WORK/k.err" &
  KPID=$!
  for _ in $(seq 100); do grep -q '"listening"' "$WORK/k.out" 2>/dev/null && break; sleep 0.05; done
  read -r DEV_PORT APP_PORT APP_WS_PORT < <(python3 -c '
import json,sys
for l in open(sys.argv[1]):
    if "\"listening\"" in l:
        p=json.loads(l)["ports"]; print(p["device"], p["app_tcp"], p["app_ws"])' "$WORK/k.out")
}
stop_krypton() { kill "$KPID"; wait "$KPID" 2>/dev/null || true; KPID=""; }

start_mosquitto() {
  MQTT_PORT=$(free_port)
  sed "s/^listener 0 /listener $MQTT_PORT /" bench/mosquitto.conf > "$WORK/mosquitto.conf"
  mosquitto -c "$WORK/mosquitto.conf" > "$WORK/m.log" 2>&1 &
  MPID=$!
  for _ in $(seq 100); do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.1)' "$MQTT_PORT" 2>/dev/null && break
    sleep 0.05
  done
}
stop_mosquitto() { kill "$MPID"; wait "$MPID" 2>/dev/null || true; MPID=""; }

common=(--duration "$DURATION" --warmup "$WARMUP" --json)

PROCS="${LOADGEN_PROCS:-1}"
# Runs the load generator as $PROCS processes, each with COUNT/$PROCS of the devices at its
# own offset, and prints one merged JSON line. Args: COUNT_FLAG COUNT, then loadgen args.
multi() {
  local flag="$1" count="$2"; shift 2
  if [ "$PROCS" -le 1 ]; then "$L" "$flag" "$count" "$@" | grep '^{'; return; fi
  local per=$((count / PROCS)) pids=() k
  for k in $(seq 0 $((PROCS - 1))); do
    "$L" "$flag" "$per" --offset $((k * per)) --app-prefix "lg$k-" "$@" > "$WORK/lg$k.out" &
    pids+=($!)
  done
  wait "${pids[@]}"
  cat "$WORK"/lg*.out | grep '^{' | python3 -c '
import json,sys
rows=[json.loads(l) for l in sys.stdin]
m=dict(rows[0]); m["procs"]=len(rows)
for k in ("per_s","ok","errors","timeouts"): m[k]=sum(r[k] for r in rows)
for k in ("p50_us","p99_us","p999_us","server_cpu_pct","server_rss_kb"): m[k]=max(r[k] for r in rows)
print(json.dumps(m))'
  rm -f "$WORK"/lg*.out
}
run_krypton() {  # COUNT_FLAG COUNT extra loadgen args…
  start_krypton
  multi "$1" "$2" --target krypton --device-port "$DEV_PORT" --app-port "$APP_PORT" \
     --app-ws-port "$APP_WS_PORT" --token-file "$WORK/tokens" --token "$(cat "$WORK/token")" \
     --server-pid "$KPID" "${common[@]}" "${@:3}"
  stop_krypton
}
run_mosquitto() {  # COUNT_FLAG COUNT extra loadgen args…
  start_mosquitto
  multi "$1" "$2" --target mosquitto --mqtt-port "$MQTT_PORT" --server-pid "$MPID" "${common[@]}" "${@:3}"
  stop_mosquitto
}

results="$OUT/$scenario.jsonl"
: > "$results"
case "$scenario" in
  roundtrip)
    prepare_krypton "$PAIRS"
    for _ in $(seq "$runs"); do
      run_krypton --pairs "$PAIRS" --scenario roundtrip | tee -a "$results"
      run_mosquitto --pairs "$PAIRS" --scenario roundtrip | tee -a "$results"
    done ;;
  roundtrip-ws)
    prepare_krypton "$PAIRS"
    for _ in $(seq "$runs"); do
      run_krypton --pairs "$PAIRS" --scenario roundtrip --app-transport ws | tee -a "$results"
      run_krypton --pairs "$PAIRS" --scenario roundtrip | tee -a "$results"
      run_mosquitto --pairs "$PAIRS" --scenario roundtrip | tee -a "$results"
    done ;;
  idle)
    prepare_krypton "$DEVICES"
    for _ in $(seq "$runs"); do
      run_krypton --devices "$DEVICES" --scenario idle --heartbeat 25 | tee -a "$results"
      run_mosquitto --devices "$DEVICES" --scenario idle --heartbeat 25 | tee -a "$results"
    done ;;
  login-storm)
    prepare_krypton "$DEVICES"
    for _ in $(seq "$runs"); do
      run_krypton --devices "$DEVICES" --scenario login-storm | tee -a "$results"
      run_mosquitto --devices "$DEVICES" --scenario login-storm | tee -a "$results"
    done ;;
  fanout)
    prepare_krypton 1
    for _ in $(seq "$runs"); do
      PROCS=1 run_krypton --apps "$APPS" --scenario fanout --rate "$RATE" | tee -a "$results"
      PROCS=1 run_mosquitto --apps "$APPS" --scenario fanout --rate "$RATE" | tee -a "$results"
    done ;;
  sweep)
    prepare_krypton "$PAIRS"
    for rate in ${RATES:-5000 10000 20000 30000 40000 50000}; do
      for _ in $(seq "$runs"); do
        run_krypton --pairs "$PAIRS" --scenario roundtrip --rate "$rate" | tee -a "$results"
        run_mosquitto --pairs "$PAIRS" --scenario roundtrip --rate "$rate" | tee -a "$results"
      done
    done
    python3 bench/plot.py "$results" "$OUT/latency-vs-load.png" ;;
  *) echo "unknown scenario $scenario" >&2; exit 2 ;;
esac
python3 bench/summarize.py "$results"
