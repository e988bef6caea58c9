# Optimizer state across the .keras file, for the optimizers both sides have.
#   make <dir>:  for each optimizer, Keras trains a small model three steps,
#                saves <name>.keras, then takes one more step on batch B;
#                writes batches, the loss on B after that step and predictions.
#   check <dir>: loads every <name>.ours.keras (saved by wasmml, compile
#                config and optimizer state included), takes one step on batch
#                C and prints the loss on C after it, predictions and iterations.
import json, os, sys
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras, numpy as np

mode, d = sys.argv[1], sys.argv[2]
OPTIMIZERS = {
    "sgd": lambda: keras.optimizers.SGD(0.05),
    "sgd_momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9),
    "sgd_nesterov": lambda: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.01, rho=0.8, momentum=0.5),
    "adagrad": lambda: keras.optimizers.Adagrad(0.1),
    "adamw": lambda: keras.optimizers.AdamW(0.01, weight_decay=0.1),
}

def mse(m, x, y):
    return float(np.mean((np.asarray(m(x, training=False)) - y) ** 2))

if mode == "make":
    rng = np.random.default_rng(5)
    batches = [(rng.standard_normal((16, 4)).astype(np.float32), rng.standard_normal((16, 2)).astype(np.float32)) for _ in range(5)]
    out = {"batches": [{"x": x.reshape(-1).tolist(), "y": y.reshape(-1).tolist()} for x, y in batches], "cases": {}}
    xb, yb = batches[3]
    for name, make in OPTIMIZERS.items():
        keras.utils.set_random_seed(5)
        m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(2)])
        m.compile(optimizer=make(), loss="mse", run_eagerly=True)
        for x, y in batches[:3]:
            m.train_on_batch(x, y)
        m.save(os.path.join(d, f"{name}.keras"))
        m.train_on_batch(xb, yb)
        out["cases"][name] = {"loss": mse(m, xb, yb), "pred": np.asarray(m(xb, training=False)).reshape(-1).tolist()}
    json.dump(out, open(os.path.join(d, "optimizers.json"), "w"))
    print("ok")
else:
    data = json.load(open(os.path.join(d, "optimizers.json")))
    c = data["batches"][4]
    xc, yc = np.asarray(c["x"], np.float32).reshape(16, 4), np.asarray(c["y"], np.float32).reshape(16, 2)
    result = {}
    for name in OPTIMIZERS:
        m = keras.saving.load_model(os.path.join(d, f"{name}.ours.keras"))
        m.run_eagerly = True
        iterations = int(np.asarray(m.optimizer.iterations))
        m.train_on_batch(xc, yc)
        result[name] = {
            "optimizer": m.optimizer.__class__.__name__,
            "config": {k: v for k, v in m.optimizer.get_config().items() if isinstance(v, (int, float, bool))},
            "iterations": iterations,
            "loss": mse(m, xc, yc),
            "pred": np.asarray(m(xc, training=False)).reshape(-1).tolist(),
        }
    print(json.dumps(result))
