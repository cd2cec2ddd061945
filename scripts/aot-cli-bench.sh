#!/usr/bin/env bash
# Start-up of the jtls command, cold and with the AOT cache (scripts/jtls --train-aot):
#   connect  launch of `scripts/jtls connect -k --no-stdin` to its completed handshake (the
#            "New ..." line), against a jtls serve started once beforehand;
#   serve    launch of `scripts/jtls serve --port 0` to the first handshake served (its
#            "connection from" line; the client is Python's ssl, connecting once it listens);
#   version  `scripts/jtls version`, launch to exit.
# Wall time moves with the machine's load (it is shared): CPU time (user + system of the JVM
# process until that moment; for version, of the whole run) is printed beside it.
#
#   scripts/aot-cli-bench.sh [RUNS]      medians of RUNS runs per cell [7], cold and cache alternating
# Environment: AOT_TRAIN=0   use the cache as it is (default: train it first); the script checks
#                            that scripts/jtls really runs with it
#              VERBOSE=1     every run, not only the medians
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-7}
JTLS=$ROOT/scripts/jtls
"$JTLS" version > /dev/null # builds the jar if needed, finds the JDK
if [[ ${AOT_TRAIN:-1} != 0 ]]; then "$JTLS" --train-aot; fi
# The "cache" runs must really use it: a class of the jar comes from the cache, not the jar.
if ! JTLS_JVM_OPTS="${JTLS_JVM_OPTS:-} -Xlog:class+load=info" "$JTLS" version |
     grep -c "io.jtls.cli.VersionCommand source: shared objects file" > /dev/null; then
  echo "aot-cli-bench: scripts/jtls does not use an AOT cache (stale or missing: run without AOT_TRAIN=0)" >&2
  exit 1
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$JTLS" cert --out "$WORK" > /dev/null

JTLS="$JTLS" WORK="$WORK" RUNS="$RUNS" python3 - <<'EOF'
import os, re, socket, ssl, statistics, subprocess, sys, time

jtls, work, runs = os.environ["JTLS"], os.environ["WORK"], int(os.environ["RUNS"])
verbose = os.environ.get("VERBOSE") == "1"
tick = os.sysconf("SC_CLK_TCK")

def cpu_ms(pid):
    # utime + stime of the process so far (fields 14 and 15 of /proc/PID/stat)
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / tick

def env(mode):
    e = dict(os.environ)
    e["JTLS_AOT"] = "off" if mode == "cold" else "auto"
    return e

def await_line(proc, pattern):
    for line in proc.stdout:
        if re.search(pattern, line):
            return line
    raise SystemExit(f"aot-cli-bench: no line /{pattern}/ (exit {proc.wait()})")

def connect_run(mode, port):
    t0 = time.monotonic()
    p = subprocess.Popen([jtls, "connect", "--port", str(port), "-k", "--no-stdin"], stdout=subprocess.PIPE,
                         text=True, env=env(mode))
    await_line(p, r"^New ")
    wall, cpu = (time.monotonic() - t0) * 1000, cpu_ms(p.pid)
    p.stdout.read()
    if p.wait() != 0:
        raise SystemExit("aot-cli-bench: jtls connect failed")
    return wall, cpu

def serve_run(mode):
    t0 = time.monotonic()
    p = subprocess.Popen([jtls, "serve", "--port", "0", "--cert", f"{work}/server.pem", "--key", f"{work}/server-key.pem"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env(mode))
    try:
        port = int(await_line(p, r"^listening ").rsplit(":", 1)[1])
        ctx = ssl.create_default_context(cafile=f"{work}/ca.pem")
        with socket.create_connection(("127.0.0.1", port)) as raw, ctx.wrap_socket(raw, server_hostname="localhost"):
            await_line(p, r"^connection from ")
            return (time.monotonic() - t0) * 1000, cpu_ms(p.pid)
    finally:
        p.terminate()
        p.wait()

def version_run(mode):
    t0 = time.monotonic()
    p = subprocess.Popen([jtls, "version"], stdout=subprocess.DEVNULL, env=env(mode))
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit("aot-cli-bench: jtls version failed")
    return (time.monotonic() - t0) * 1000, (usage.ru_utime + usage.ru_stime) * 1000

# The server the connect runs talk to: started once, with the cache (its start is not measured).
server = subprocess.Popen([jtls, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          env=env("cache"))
try:
    server_port = int(await_line(server, r"^listening ").rsplit(":", 1)[1])
    cases = [("connect", lambda m: connect_run(m, server_port)), ("serve", serve_run), ("version", version_run)]
    results = {}
    for name, run in cases:
        for i in range(runs):
            for mode in ("cold", "cache"):
                wall, cpu = run(mode)
                results.setdefault((name, mode), []).append((wall, cpu))
                if verbose:
                    print(f"{name:8} {mode:6} run {i + 1}: {wall:7.0f} ms wall {cpu:7.0f} ms cpu", file=sys.stderr)
finally:
    server.terminate()
    server.wait()

print(f"{'command':8} {'mode':6} {'runs':>4} {'wall ms (median)':>17} {'cpu ms (median)':>16} {'wall min-max':>13}")
for name in ("connect", "serve", "version"):
    for mode in ("cold", "cache"):
        r = results[(name, mode)]
        walls, cpus = [w for w, _ in r], [c for _, c in r]
        print(f"{name:8} {mode:6} {len(r):4} {statistics.median(walls):17.0f} {statistics.median(cpus):16.0f}"
              f" {min(walls):6.0f}-{max(walls):<6.0f}")
    cold = statistics.median(c for _, c in results[(name, "cold")])
    cache = statistics.median(c for _, c in results[(name, "cache")])
    print(f"{'':8} {'':6} {'':4} {'':17} {f'cache/cold {cache / cold:.2f}':>16}")
EOF
