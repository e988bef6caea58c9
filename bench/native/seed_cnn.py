"""The seed MNIST CNN (Conv32 3x3 relu - MaxPool 2 - Dense128 relu - Dense10 softmax,
Adam 1e-3, batch 32, sparse categorical cross-entropy) trained with Keras 3 on
TensorFlow (CPU) or with PyTorch (CPU), for samples/s next to wasmml's figure.
Run by bench/native/run.mjs, which writes the digits it trains on to a file.

    python seed_cnn.py keras|torch DIGITS_FILE N EPOCHS THREADS

DIGITS_FILE holds N*784 float32 pixels (NHWC, [0, 1]) then N int32 labels.
Prints one JSON line: samples/s of the fastest epoch after a warm-up epoch,
and the accuracy of the last epoch.
"""
import json
import sys
import time

import numpy as np

framework, path, n, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
raw = np.fromfile(path, dtype=np.uint8)
x = raw[: n * 784 * 4].view(np.float32).reshape(n, 28, 28, 1)
y = raw[n * 784 * 4 :].view(np.int32).copy()
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 2


def keras_rates():
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras

    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rates, acc = [], 0.0
    for e in range(epochs + 1):
        t0 = time.perf_counter()
        h = model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=True)
        dt = time.perf_counter() - t0
        if e > 0:
            rates.append(n / dt)
        acc = float(h.history["accuracy"][-1])
    return rates, acc, f"keras {keras.__version__} / tensorflow {tf.__version__}"


def torch_rates():
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(13 * 13 * 32, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()  # PyTorch convolves NCHW
    yt = torch.from_numpy(y).long()
    rates, acc = [], 0.0
    for e in range(epochs + 1):
        t0 = time.perf_counter()
        order = torch.randperm(n)
        correct = 0
        for s in range(0, n, 32):
            ids = order[s : s + 32]
            xb, yb = xt[ids], yt[ids]
            opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            loss.item()  # the per-step readback fit does too
            correct += int((out.argmax(1) == yb).sum())
        dt = time.perf_counter() - t0
        if e > 0:
            rates.append(n / dt)
        acc = correct / n
    return rates, acc, f"torch {torch.__version__}"


rates, acc, version = keras_rates() if framework == "keras" else torch_rates()
print(
    json.dumps(
        {
            "framework": framework,
            "version": version,
            "threads": threads,
            "samples_per_s": round(max(rates)),
            "epochs_samples_per_s": [round(r) for r in rates],
            "last_epoch_accuracy": round(acc, 4),
        }
    )
)
