#!/usr/bin/env python3
"""Cuts the committed sample data from Debian packages.

Fashion-MNIST subset: from `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist), the first
600 training images of each class (6,000 in all) and the first 100 test images of each class
(1,000 in all), in file order, written as gzip IDX files with the original layout.

Breast cancer CSV: from `python3-sklearn` (sklearn/datasets/data/breast_cancer.csv), rewritten
with a header row of feature names and a `diagnosis` label column (0 = malignant, 1 = benign).

Usage: python3 make-sample.py [FASHION_MNIST_DIR] [SKLEARN_DATA_DIR]
"""
import gzip
import os
import struct
import sys

FMNIST = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
SKLEARN = sys.argv[2] if len(sys.argv) > 2 else "/usr/lib/python3/dist-packages/sklearn/datasets/data"
OUT = os.path.dirname(os.path.abspath(__file__))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


def write_idx(path, magic_type, dims, payload):
    header = bytes([0, 0, magic_type, len(dims)]) + struct.pack(">" + "I" * len(dims), *dims)
    # mtime=0 keeps the gzip bytes reproducible.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(header + payload)


def cut(prefix, per_class, out_prefix):
    (n, rows, cols), images = read_idx(os.path.join(FMNIST, prefix + "-images-idx3-ubyte.gz"))
    (n_labels,), labels = read_idx(os.path.join(FMNIST, prefix + "-labels-idx1-ubyte.gz"))
    assert n == n_labels
    size = rows * cols
    taken = {c: 0 for c in range(10)}
    keep = []
    for i in range(n):
        c = labels[i]
        if taken[c] < per_class:
            taken[c] += 1
            keep.append(i)
    write_idx(os.path.join(OUT, out_prefix + "-images-idx3-ubyte.gz"), 0x08, (len(keep), rows, cols),
              b"".join(images[i * size:(i + 1) * size] for i in keep))
    write_idx(os.path.join(OUT, out_prefix + "-labels-idx1-ubyte.gz"), 0x08, (len(keep),),
              bytes(labels[i] for i in keep))
    print(out_prefix, len(keep), "images")


FEATURES = [
    "radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
    "concave_points", "symmetry", "fractal_dimension"]


def breast_cancer():
    names = ([f"mean_{f}" for f in FEATURES] + [f"{f}_error" for f in FEATURES]
             + [f"worst_{f}" for f in FEATURES] + ["diagnosis"])
    with open(os.path.join(SKLEARN, "breast_cancer.csv")) as f:
        lines = f.read().splitlines()
    n, d = (int(x) for x in lines[0].split(",")[:2])
    rows = [line for line in lines[1:] if line.strip()]
    assert len(rows) == n and all(len(r.split(",")) == d + 1 for r in rows)
    with open(os.path.join(OUT, "breast-cancer", "breast_cancer.csv"), "w") as out:
        out.write(",".join(names) + "\n")
        out.write("\n".join(rows) + "\n")
    print("breast_cancer.csv", n, "rows")


if __name__ == "__main__":
    os.makedirs(os.path.join(OUT, "fashion-mnist"), exist_ok=True)
    os.makedirs(os.path.join(OUT, "breast-cancer"), exist_ok=True)
    cut("train", 600, "fashion-mnist/train")
    cut("t10k", 100, "fashion-mnist/t10k")
    breast_cancer()
