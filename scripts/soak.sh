#!/usr/bin/env bash
# Soak run of the sample service (not part of CI): load for a given time, figures at the start and at the end.
#
#   scripts/soak.sh [duration-seconds] [workers]      defaults: 60 s, 8 workers
#
# Builds the sample jar if it is missing or older than the sources, starts the service on a fresh temporary
# directory, and runs SOAK_CLIENTS (default 4) curl loops against it: each posts a batch of 100 jobs while
# fewer than 1,000 are queued, then one single job, then reads the counts. In a window of SOAK_WINDOW seconds
# (default 10) after a short warm-up, and again in the last window, it reports jobs finished per second, HTTP
# errors, the lock figures of /actuator/dblocks and the heap used after a full GC (jcmd GC.run, then jcmd
# GC.heap_info and the actuator's jvm.memory.used): a heap that grows from the first window to the last shows a
# leak. At the end it stops the service with SIGTERM, still under load, and prints a summary.
# Needs only what the build needs: a JDK 17 (java, jcmd) and curl.
set -euo pipefail

duration=${1:-60}
workers=${2:-8}
clients=${SOAK_CLIENTS:-4}
window=${SOAK_WINDOW:-10}
warmup=5
if ((duration < 2 * window + warmup + 5)); then
    echo "duration must be at least $((2 * window + warmup + 5)) s with a window of ${window} s" >&2
    exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jar=$(ls sample-app/target/sample-app-*.jar 2>/dev/null | grep -v original | head -1 || true)
if [[ -z "$jar" ]] || [[ -n "$(find sample-app/src sqlite-hybrid-autoconfigure/src -newer "$jar" -type f | head -1)" ]]; then
    echo "Building the sample jar..."
    ./mvnw -q -pl sample-app -am package -DskipTests
    jar=$(ls sample-app/target/sample-app-*.jar | grep -v original | head -1)
fi

dir=$(mktemp -d -t sqlite-hybrid-soak.XXXXXX)
log=$dir/service.log
java -Xmx512m -jar "$jar" --server.port=0 \
    --spring.datasource.url="jdbc:sqlite:$dir/sample.db" \
    --sqlite.hybrid.log-database.path="$dir/sample-logs.db" \
    --sample.workers="$workers" >"$log" 2>&1 &
pid=$!
client_pids=()

cleanup() {
    rm -f "$dir/load"
    for p in "${client_pids[@]}"; do kill "$p" 2>/dev/null || true; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "Killing the service (pid $pid) left running" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT

echo "Service pid $pid, files and log in $dir"
port=""
for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || { echo "The service exited at startup:" >&2; tail -30 "$log" >&2; exit 1; }
    port=$(grep -o 'Tomcat started on port [0-9]*' "$log" | grep -o '[0-9]*$' || true)
    if [[ -n "$port" ]] && curl -sf "http://localhost:$port/actuator/health" | grep -q '"status":"UP"'; then
        break
    fi
    port=""
    sleep 0.5
done
[[ -n "$port" ]] || { echo "The service was not ready within 120 s" >&2; tail -30 "$log" >&2; exit 1; }
base="http://localhost:$port"
echo "Ready on $base with $workers workers; $clients clients for ${duration} s"

# --- helpers ------------------------------------------------------------------------------------------------
field() { # field NAME JSON: the first number named NAME
    { grep -o "\"$1\":[0-9.eE+-]*" <<<"$2" || true; } | head -1 | cut -d: -f2
}
finished() {
    local counts
    counts=$(curl -s "$base/jobs/counts" || true)
    echo $(($(field completed "$counts") + $(field failed "$counts")))
}
http_figures() { # total requests and non-2xx answers (000: no answer)
    local total errors
    total=$(cat "$dir"/client-*.codes 2>/dev/null | wc -l)
    errors=$(cat "$dir"/client-*.codes 2>/dev/null | grep -vc '^2' || true)
    echo "$total requests, $errors errors"
}
lock_figures() {
    local dblocks retry buffer logdb
    dblocks=$(curl -s "$base/actuator/dblocks")
    retry=$(grep -o '"retry":{[^{]*' <<<"$dblocks" || true)
    buffer=$(grep -o '"writeBuffer":{.*"recentDeadLetters"' <<<"$dblocks" || true)
    logdb=$(grep -o '"logDatabase":{[^}]*' <<<"$dblocks" || true)
    echo "retry calls=$(field calls "$retry") lockErrors=$(field lockErrors "$retry") retries=$(field retries "$retry")" \
        "failures=$(field failures "$retry"); writeBuffer failed=$(field failed "$buffer")" \
        "deadLetters=$(field deadLetters "$buffer"); logDatabase dropped=$(field dropped "$logdb")"
}
worker_errors() {
    curl -s "$base/actuator/prometheus" | awk '/^sample_jobs_errors_total/ { sum += $2 } END { printf "%d", sum }'
}
heap_after_gc() { # prints "<MiB from jcmd> <MiB from the actuator>"
    jcmd "$pid" GC.run >/dev/null
    local jcmd_kb actuator
    jcmd_kb=$(jcmd "$pid" GC.heap_info | grep -m1 -o 'used [0-9]*K' | grep -o '[0-9]*')
    actuator=$(field value "$(curl -s "$base/actuator/metrics/jvm.memory.used?tag=area:heap")")
    awk -v k="$jcmd_kb" -v b="$actuator" 'BEGIN { printf "%.1f %.1f", k / 1024, b / 1048576 }'
}
measure() { # measure LABEL: throughput over one window, then errors and heap
    local c0 t0 c1 t1 rate heap
    c0=$(finished); t0=$(date +%s.%N)
    sleep "$window"
    c1=$(finished); t1=$(date +%s.%N)
    rate=$(awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", (b - a) / (e - s) }')
    heap=$(heap_after_gc)
    echo "[$1] $rate jobs finished/s over ${window} s; $(http_figures); worker errors $(worker_errors)"
    echo "[$1] $(lock_figures)"
    echo "[$1] heap after full GC: ${heap% *} MiB (jcmd), ${heap#* } MiB (actuator jvm.memory.used)"
    echo "${heap% *}" >"$dir/heap-$1"
    echo "$rate" >"$dir/rate-$1"
}

# --- load ---------------------------------------------------------------------------------------------------
client() {
    local n=$1 i=0 queued
    while [[ -e "$dir/load" ]]; do
        queued=$(field queued "$(curl -s "$base/jobs/counts" || true)")
        if [[ -n "$queued" ]] && ((queued < 1000)); then
            curl -s -o /dev/null -w '%{http_code}\n' -XPOST "$base/jobs/batch" -H 'Content-Type: application/json' \
                -d "{\"count\": 100, \"prefix\": \"https://soak.example/c$n/b$i/ep-\"}" >>"$dir/client-$n.codes" || true
        fi
        curl -s -o /dev/null -w '%{http_code}\n' -XPOST "$base/jobs" -H 'Content-Type: application/json' \
            -d "{\"episodeUrl\": \"https://soak.example/c$n/single-$i.mp3\"}" >>"$dir/client-$n.codes" || true
        i=$((i + 1))
    done
}

started=$(date +%s)
touch "$dir/load"
for n in $(seq 1 "$clients"); do
    client "$n" &
    client_pids+=($!)
done
sleep "$warmup"
measure start
remaining=$((started + duration - window - $(date +%s)))
((remaining > 0)) && sleep "$remaining"
measure end

counts=$(curl -s "$base/jobs/counts")
http_before_stop=$(http_figures)
echo "Counts before SIGTERM: $counts"
stop_started=$(date +%s.%N)
kill -TERM "$pid"
exit_code=0
wait "$pid" || exit_code=$?
stop_seconds=$(awk -v s="$stop_started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
rm -f "$dir/load"
for p in "${client_pids[@]}"; do wait "$p" 2>/dev/null || true; done

echo
echo "=== Soak summary: ${duration} s, $workers workers, $clients clients"
echo "Throughput: $(cat "$dir/rate-start") jobs/s at the start, $(cat "$dir/rate-end") jobs/s at the end"
echo "Heap after full GC: $(cat "$dir/heap-start") MiB at the start, $(cat "$dir/heap-end") MiB at the end"
echo "HTTP: $http_before_stop before SIGTERM; $(http_figures) in all, refusals while stopping included"
echo "Stopped by SIGTERM in ${stop_seconds} s, exit code $exit_code;" \
    "shutdown line logged: $(grep -c 'Stopped job workers' "$log") time(s); ERROR lines in the log: $(grep -c ' ERROR ' "$log" || true)"
echo "Files and log kept in $dir"
