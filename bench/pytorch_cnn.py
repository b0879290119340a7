"""The peer of bench/throughput.sh: sparktrain's shipped cnn-small network trained by PyTorch's CPU build.

conv 5x5x20 -> max-pool 2 -> conv 5x5x40 -> max-pool 2 -> dense 128 (relu) -> dropout 0.3 -> softmax,
Adam 1e-3 with L2 1e-4, minibatches of 32, on the same share of Fashion-MNIST's training file that
sparktrain trains on (90%: the rest is its validation split), with THREADS threads.
Prints one line per epoch ("epoch N examples E seconds S examples/s R") and the test accuracy.

  /usr/bin/python3 bench/pytorch_cnn.py DATA_DIR EPOCHS THREADS     (Debian's python3-torch)
"""
import gzip
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    data_dir, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    x = torch.tensor(idx(f"{data_dir}/train-images-idx3-ubyte.gz"), dtype=torch.float32).div_(255).unsqueeze(1)
    y = torch.tensor(idx(f"{data_dir}/train-labels-idx1-ubyte.gz"), dtype=torch.long)
    tx = torch.tensor(idx(f"{data_dir}/t10k-images-idx3-ubyte.gz"), dtype=torch.float32).div_(255).unsqueeze(1)
    ty = torch.tensor(idx(f"{data_dir}/t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(42))
    n = round(len(x) * 0.9)
    x, y = x[order[:n]], y[order[:n]]
    net = nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(20, 40, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(40 * 4 * 4, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    batch = 32
    for epoch in range(1, epochs + 1):
        net.train()
        perm = torch.randperm(n)
        t0 = time.perf_counter()
        for i in range(0, n, batch):
            idx_b = perm[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(net(x[idx_b]), y[idx_b])
            loss.backward()
            opt.step()
        seconds = time.perf_counter() - t0
        print(f"epoch {epoch} examples {n} seconds {seconds:.1f} examples/s {n / seconds:.1f} score {loss.item():.4f}",
              flush=True)
    net.eval()
    with torch.no_grad():
        correct = sum((net(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000]).sum().item() for i in range(0, len(tx), 1000))
    print(f"test accuracy {correct / len(tx):.4f}")


if __name__ == "__main__":
    main()
