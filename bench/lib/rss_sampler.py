"""Samples the peak resident set (VmHWM: heap, off-heap, code, everything the kernel counts) of the JVMs
whose command line matches each ROLE=PATTERN, every 0.5 s, until it is killed; keeps the highest value
seen per role (and per process) in OUT as JSON, rewritten on every sample. A process whose parent has
the same command line is a fork about to run another program (Hadoop's Shell running chmod for a file:
folder, for one): it shares its parent's pages and is not counted.

  python3 bench/lib/rss_sampler.py OUT driver=SparkSubmit executor=CoarseGrainedExecutorBackend
"""
import json
import os
import sys
import time

out, roles = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
peaks = {}
while True:
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            if not cmd.startswith("java") and "/java " not in cmd:
                continue
            role = next((r for r, pattern in roles.items() if pattern in cmd), None)
            if role is None:
                continue
            ppid = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
            if open(f"/proc/{ppid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace") == cmd:
                continue
            status = open(f"/proc/{pid}/status").read()
            hwm = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:"))
        except (OSError, StopIteration, ValueError):
            continue
        key = f"{role} {pid}"
        peaks[key] = max(peaks.get(key, 0), hwm * 1024)
    with open(out + ".tmp", "w") as f:
        json.dump(peaks, f)
    os.replace(out + ".tmp", out)
    time.sleep(0.5)
