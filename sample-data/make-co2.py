#!/usr/bin/env python3
"""Cuts sample-data/co2/ from the Mauna Loa weekly CO2 record in Debian's python3-statsmodels.

The 2,284 weekly readings (29 March 1958 to 29 December 2001; 59 weeks missing, filled by linear
interpolation between their neighbours) become windows of 26 weeks, one per week: each step holds the
week's change (ppm) and its level minus the window's mean (ppm), and the window is labelled with
whether the next week's reading is higher (1, rises) or not (0, falls). Windows ending before 1994 are
the training file; windows whose weeks all come after the last training label are the test file, so no
test window shares a week with a training window or its label.
Written as long-form CSV (window, week, change, level, rises), gzip with no timestamp: rerunning this
gives the files byte for byte.

Usage: apt-get download python3-statsmodels && dpkg -x python3-statsmodels_*.deb /tmp/sm
       python3 sample-data/make-co2.py /tmp/sm/usr/lib/python3/dist-packages/statsmodels/datasets/co2/co2.csv
"""
import csv
import gzip
import io
import os
import sys

SOURCE = sys.argv[1] if len(sys.argv) > 1 else \
    "/usr/lib/python3/dist-packages/statsmodels/datasets/co2/co2.csv"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "co2")
WEEKS = 26
SPLIT = "19940101"

rows = list(csv.reader(open(SOURCE)))[1:]
dates = [r[0] for r in rows]
values = [float(r[1]) if r[1] else None for r in rows]
for i, v in enumerate(values):
    if v is None:
        a, b = i - 1, i + 1
        while values[b] is None:
            b += 1
        for k in range(i, b):
            values[k] = values[a] + (values[b] - values[a]) * (k - a) / (b - a)


def windows(first_end, last_end):
    out = []
    for end in range(max(first_end, WEEKS), last_end):
        start = end - WEEKS + 1
        mean = sum(values[start:end + 1]) / WEEKS
        steps = [(k + 1, round(values[t] - values[t - 1], 2), round(values[t] - mean, 2))
                 for k, t in enumerate(range(start, end + 1))]
        out.append((dates[end], steps, 1 if values[end + 1] > values[end] else 0))
    return out


split = next(i for i, d in enumerate(dates) if d >= SPLIT)
os.makedirs(OUT, exist_ok=True)
for name, ws in (("co2-train.csv.gz", windows(1, split)),
                 ("co2-test.csv.gz", windows(split + WEEKS, len(values) - 1))):
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(["window", "week", "change", "level", "rises"])
    for date, steps, label in ws:
        for step, change, level in steps:
            w.writerow([date, step, change, level, label])
    with open(os.path.join(OUT, name), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(text.getvalue().encode())
    print(name, len(ws), "windows")
