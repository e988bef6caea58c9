# Loads what the wasmml test saved into argv[1]: every <name>.ours.keras (and
# two_input.ours.h5) with Keras, predicting on the cases' probe inputs, and
# every <name>.safetensors with PyTorch. Prints one JSON object.
import json, os, sys
# TensorFlow, eagerly: for models this small, tracing or XLA compiling each
# function costs more CPU than running it (measured: 10 s against JAX's 26 s).
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras, numpy as np
from safetensors.torch import load_file

d = sys.argv[1]
cases = json.load(open(os.path.join(d, "cases.json")))
out = {}
for name, c in cases.items():
    xs = [np.asarray(x["values"], dtype=x["dtype"]).reshape(x["shape"]) for x in c["inputs"]]
    r = {}
    for kind, fname in [("keras", f"{name}.ours.keras"), ("h5", f"{name}.ours.h5")]:
        path = os.path.join(d, fname)
        if os.path.exists(path):
            m = keras.saving.load_model(path, compile=False)
            r[kind] = np.asarray(m(xs if len(xs) > 1 else xs[0], training=False)).reshape(-1).tolist()
    # With its compile config and Adam state: one more step on the first 16 training samples.
    m = keras.saving.load_model(os.path.join(d, f"{name}.ours.keras"))
    m.run_eagerly = True
    tx = [np.asarray(x["values"], dtype=x["dtype"]).reshape(x["shape"])[:16] for x in c["train_inputs"]]
    ty = np.asarray(c["train_y"]["values"], dtype=np.float32).reshape(c["train_y"]["shape"])[:16]
    r["iterations"] = int(m.optimizer.iterations.numpy() if hasattr(m.optimizer.iterations, "numpy") else m.optimizer.iterations)
    m.train_on_batch(tx if len(tx) > 1 else tx[0], ty)
    r["stepped"] = np.asarray(m(xs if len(xs) > 1 else xs[0], training=False)).reshape(-1).tolist()
    st = load_file(os.path.join(d, f"{name}.safetensors"))
    r["safetensors"] = {k: {"shape": list(v.shape), "dtype": str(v.dtype), "values": v.reshape(-1).tolist()} for k, v in st.items()}
    out[name] = r
print(json.dumps(out))
