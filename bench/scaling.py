"""A model of parameter averaging's throughput at scale, from per-round costs measured here.

  python3 bench/scaling.py RUN_LOCAL1 RUN_LOCAL2 RUN_LOCAL2_F5 RUN_STANDALONE

Each RUN is a run directory of conf/fashion-mnist.conf (bench/memory-scaling.sh makes them). From them:
  - S, the bytes each worker receives and returns per round: the parameters and, with saveUpdater, the
    updater state (the sizes of coefficients.bin and updaterState.bin in model.zip);
  - t_ex, a worker's compute seconds per example (trainTime.fit per worker / examples per worker);
  - a round's cost besides fitting (trainTime's other parts / rounds) at two averaging frequencies.
The model of one round with N workers, F minibatches of B examples per worker and per round, over a
network of bandwidth W (bytes/s):
  compute   = F * B * t_ex
  broadcast = S / W * ceil(log2(N + 1))       Spark's torrent broadcast: the executors fetch the blocks
                                              from the driver and from each other
  aggregate = 2 * sqrt(N) * S / W            dl4j-spark's treeAggregate of depth 2: sqrt(N) results into
                                              each of sqrt(N) reducers, then sqrt(N) partial sums to the driver
  other     = r0 + c * F + (N - 2) * c_task     r0: a round's own cost with two workers (the job, the tasks
                                              building the network from the parameters and returning results,
                                              aggregation, the driver's checks); c: what each minibatch adds
                                              besides its fit (loading, listeners); c_task: the driver
                                              launching one more task (2 ms, Spark's usual figure: not
                                              measurable with 2 workers). r0 and c come from local[2] at
                                              the job's F and at F = 5.
  efficiency = compute / (compute + broadcast + aggregate + other)
  throughput = N * F * B / (compute + broadcast + aggregate + other)
The smallest F with efficiency >= 0.9 solves F * B * t_ex >= 9 * (broadcast + aggregate + r0 + c * F + ...).
Prints the measured costs, the validation (predicted against measured epoch training time for the
three runs) and the predictions, and writes them into docs/SCALING.md.
"""
import io
import json
import re
import math
import os
import sys
import zipfile

B = 32
C_TASK = 0.002
FAST_LINK = 12.5e9  # on one machine the "network" is memory: 100 Gbit/s stands in for it


def run_facts(run):
    lines = [json.loads(l) for l in open(os.path.join(run, "metrics.jsonl"))]
    epochs = [l for l in lines if l.get("type") == "epoch"]
    last = epochs[-1]
    rounds = sum(1 for l in lines if l.get("type") == "round" and l["epoch"] == last["epoch"])
    summary = json.load(open(os.path.join(run, "summary.json")))
    workers = summary["spark"]["defaultParallelism"]
    examples = summary["data"]["sizes"]["train"] if isinstance(summary["data"]["sizes"], dict) else None
    with zipfile.ZipFile(os.path.join(run, "model.zip")) as z:
        params = z.getinfo("coefficients.bin").file_size
        updater = z.getinfo("updaterState.bin").file_size if "updaterState.bin" in z.namelist() else 0
    t = last["trainTime"]
    return dict(run=run, master=summary["spark"]["master"], workers=workers, rounds=rounds, examples=examples,
                train=last["trainSeconds"], fit=t["fit"], other=t["workerOther"] + t["taskOverhead"] + t["driver"],
                parts=t, frequency=summary["training"]["averagingFrequency"], approach=summary["training"]["approach"],
                bytes=params + (updater if summary["training"]["saveUpdater"] else 0), params=params // 4)


def round_time(n, f, t_ex, s, w, r0, c):
    compute = f * B * t_ex
    comm = s / w * math.ceil(math.log2(n + 1)) + 2 * math.sqrt(n) * s / w
    # r0 was measured with two workers; each task's own work runs on its executor, in parallel, so more
    # workers add only the driver launching their tasks.
    schedule = r0 + c * f + max(0, n - 2) * C_TASK
    return compute, comm, schedule


def label(r):
    if r["master"].startswith("local"):
        return f"{r['master']}, F = {r['frequency']}"
    # A cluster run whose run directory is on file: and that names no train.exportDirectory trains with the
    # direct approach (the executors would not share the files).
    resolved = open(os.path.join(r["run"], "config.resolved.conf")).read()
    named = re.search(r'exportDirectory\s*[=:]\s*"?([^"\s]+)', resolved)
    on_file = r["run"].startswith("/") or r["run"].startswith("file:")
    approach = "direct" if on_file and not named else r["approach"]
    return f"standalone cluster, 2 executors, F = {r['frequency']}, {approach} approach"


INF = float("inf")


def main():
    runs = [run_facts(r) for r in sys.argv[1:5]]
    local1, local2, local2_f5, standalone = runs
    # Calibration on local[2] at two averaging frequencies: a worker's compute per example, and a round's
    # cost besides fitting as r0 + c * F (c: what each minibatch adds besides its fit: loading it, the
    # listeners; r0: the round's own cost with two workers: the job, two tasks building the network from the
    # broadcast parameters and returning their results, the aggregation, the driver's checks). local[1] and
    # the standalone cluster are the checks.
    t_ex = local2["fit"] / (local2["examples"] / local2["workers"])
    o20 = local2["other"] / local2["rounds"]
    o5 = local2_f5["other"] / local2_f5["rounds"]
    c = max(0.0, (o20 - o5) / (local2["frequency"] - local2_f5["frequency"]))
    r0 = max(0.0, o5 - c * local2_f5["frequency"])
    s = local2["bytes"]
    out = ["## Measured here", "",
           "| run | workers | averaging frequency | rounds per epoch | epoch training seconds | fitting | worker other | tasks | driver |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in runs:
        p = r["parts"]
        out.append(f"| {label(r)} | {r['workers']} | {r['frequency']} | {r['rounds']} | {r['train']:.1f} | "
                   f"{p['fit']:.1f} | {p['workerOther']:.1f} | {p['taskOverhead']:.1f} | {p['driver']:.1f} |")
    out += ["", f"Calibrated on local[2] at F = {local2['frequency']} and F = {local2_f5['frequency']}: t_ex = {t_ex * 1e3:.3f} ms of compute per example per "
            f"worker; a round costs r0 + c x F besides fitting, r0 = {r0 * 1e3:.0f} ms, c = {c * 1e3:.1f} ms; S = {s / 1e6:.2f} MB "
            f"per worker and round ({local2['params']:,} parameters and Adam's two moments, float32).", "",
            "## The model against the measurements", "",
            "| run | predicted epoch training seconds | measured | error |", "| --- | --- | --- | --- |"]
    for r in runs:
        w = FAST_LINK if r["master"].startswith("local") else 1.25e9
        compute, comm, schedule = round_time(r["workers"], r["frequency"], t_ex, s, w, r0, c)
        predicted = r["rounds"] * (compute + comm + schedule)
        note = " (calibration)" if r in (local2, local2_f5) else ""
        out.append(f"| {label(r)}{note} | {predicted:.1f} | {r['train']:.1f} | {100 * (predicted - r['train']) / r['train']:+.0f}% |")
    networks = [("this CNN", s, t_ex), ("25M parameters", 25e6 * 4 * 3, 6 * 25e6 / (10e6 / t_ex))]
    out += ["", "## Predictions", "",
            "Throughput in examples/s and efficiency (compute / round time) at averaging frequency 20, and the "
            "smallest averaging frequency that keeps efficiency at 90% or more.", "",
            "| network | link | executors | examples/s at F = 20 | efficiency at F = 20 | F for 90% |",
            "| --- | --- | --- | --- | --- | --- |"]
    for name, size, tex in networks:
        for gbit in (1, 10, 25):
            w = gbit * 1e9 / 8
            for n in (8, 64, 512):
                compute, comm, schedule = round_time(n, 20, tex, size, w, r0, c)
                total = compute + comm + schedule
                fixed = comm + r0 + max(0, n - 2) * C_TASK
                # 90%: F * B * tex >= 9 * (fixed + c * F)
                need = math.ceil(9 * fixed / (B * tex - 9 * c)) if B * tex > 9 * c else INF
                need_text = f"{need:,}" if need != INF else f"none (c is {c / (B * tex):.0%} of compute)"
                out.append(f"| {name} | {gbit} Gbit/s | {n} | {n * 20 * B / total:,.0f} | {compute / total:.0%} | {need_text} |")
    text = "\n".join(out)
    print(text)
    doc = "docs/SCALING.md"
    body = open(doc).read()
    begin, end = "<!-- scaling:begin -->", "<!-- scaling:end -->"
    body = body[:body.index(begin) + len(begin)] + "\n" + text + "\n" + body[body.index(end):]
    open(doc, "w").write(body)


if __name__ == "__main__":
    main()
