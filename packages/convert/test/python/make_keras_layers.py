# Keras 3 builds, briefly trains and saves into argv[1] the models of the
# layers whose semantics needed mapping: an attention model (self- and cross-
# attention, the key passed by keyword), and a recurrent model with Keras 3's
# default GRU (reset_after=True) and hard_sigmoid (relu6(x + 3) / 6) as a gate
# and an output activation. Probe inputs and Keras's predictions go to
# layers.json; with argv[2] == "check", it loads <name>.ours.keras instead and
# prints its predictions on the same probes (and on those of built_here.json:
# models built in wasmml).
import json, os, sys
# TensorFlow, eagerly: cheaper than tracing or compiling for models this small.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras, numpy as np
from keras import layers

out = sys.argv[1]
rng = np.random.default_rng(11)
keras.utils.set_random_seed(11)

def attention():
    q = keras.Input((5, 8), name="query")
    kv = keras.Input((7, 6), name="memory")
    h = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="self_attention")(q, q)
    h = layers.LayerNormalization()(layers.Add()([q, h]))
    c = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=5, name="cross_attention")(h, kv, key=kv)
    o = layers.Dense(3, activation="softmax")(layers.GlobalAveragePooling1D()(c))
    m = keras.Model([q, kv], o, name="attention")
    xs = [rng.standard_normal((48, 5, 8)).astype(np.float32), rng.standard_normal((48, 7, 6)).astype(np.float32)]
    return m, xs, rng.integers(0, 3, 48), "sparse_categorical_crossentropy"

def recurrent():
    m = keras.Sequential([
        keras.Input((9,), dtype="int32"),
        layers.Embedding(30, 6),
        layers.GRU(7, return_sequences=True),
        layers.Bidirectional(layers.GRU(4, return_sequences=True)),
        layers.LSTM(5, recurrent_activation="hard_sigmoid"),
        layers.Dense(2, activation="hard_sigmoid"),
    ], name="recurrent")
    xs = [rng.integers(0, 30, (48, 9)).astype(np.int32)]
    return m, xs, rng.random((48, 2)).astype(np.float32), "mse"

def arr(x):
    return {"shape": list(x.shape), "dtype": str(x.dtype), "values": np.asarray(x).reshape(-1).tolist()}

def call(m, xs):
    return np.asarray(m(xs if len(xs) > 1 else xs[0], training=False))

if len(sys.argv) > 2 and sys.argv[2] == "check":
    cases = json.load(open(os.path.join(out, "layers.json")))
    extra = os.path.join(out, "built_here.json")
    if os.path.exists(extra):
        cases.update(json.load(open(extra)))
    result = {}
    for name, c in cases.items():
        m = keras.saving.load_model(os.path.join(out, f"{name}.ours.keras"), compile=False)
        xs = [np.asarray(x["values"], dtype=x["dtype"]).reshape(x["shape"]) for x in c["inputs"]]
        result[name] = {"pred": call(m, xs).reshape(-1).tolist(), "classes": [l.__class__.__name__ for l in m.layers]}
    print(json.dumps(result))
    sys.exit(0)

cases = {}
for name, make in [("attention", attention), ("recurrent", recurrent)]:
    m, xs, y, loss = make()
    m.compile(optimizer="adam", loss=loss, run_eagerly=True)
    m.fit(xs if len(xs) > 1 else xs[0], y, epochs=2, batch_size=16, verbose=0)
    m.save(os.path.join(out, f"{name}.keras"))
    probe = [x[:6] for x in xs]
    cases[name] = {
        "inputs": [arr(x) for x in probe],
        "train_inputs": [arr(x) for x in xs],
        "train_y": arr(np.asarray(y, np.float32)),
        "loss": loss,
        "pred": arr(call(m, probe)),
    }
json.dump(cases, open(os.path.join(out, "layers.json"), "w"))
print("ok")
