# Builds, briefly trains and saves the three reference Keras 3 models (a CNN,
# an LSTM text model, a functional two-input model) into argv[1], with fixed
# inputs and Keras's predictions in cases.json.
import json, os, sys
# TensorFlow, eagerly: for models this small, tracing or XLA compiling each
# function costs more CPU than running it (measured: 10 s against JAX's 26 s).
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras, numpy as np
from keras import layers

out = sys.argv[1]
keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)

def cnn():
    m = keras.Sequential([
        keras.Input((10, 10, 1)),
        layers.Conv2D(6, 3, activation="relu", padding="same"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(2),
        layers.Conv2D(4, 3, activation="relu"),
        layers.AveragePooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.2),
        layers.Dense(8, activation="relu"),
        layers.Dense(3, activation="softmax"),
    ], name="cnn")
    x = rng.random((64, 10, 10, 1), dtype=np.float32)
    y = rng.integers(0, 3, 64)
    return m, [x], y, "sparse_categorical_crossentropy"

def lstm():
    m = keras.Sequential([
        keras.Input((12,), dtype="int32"),
        layers.Embedding(40, 8),
        layers.Bidirectional(layers.LSTM(6, return_sequences=True)),
        layers.GRU(5, reset_after=False),
        layers.Dense(1, activation="sigmoid"),
    ], name="text_lstm")
    x = rng.integers(0, 40, (64, 12)).astype(np.int32)
    y = rng.integers(0, 2, (64, 1)).astype(np.float32)
    return m, [x], y, "binary_crossentropy"

def two_input():
    a = keras.Input((5,), name="features")
    s = keras.Input((7, 3), name="series")
    h1 = layers.Dense(6, activation="tanh", name="feat_dense")(a)
    h2 = layers.Conv1D(6, 2, activation="relu", name="series_conv")(s)
    h2 = layers.MaxPooling1D(2)(h2)
    h2 = layers.GlobalAveragePooling1D()(h2)
    h = layers.Concatenate()([h1, h2])
    h = layers.LayerNormalization()(h)
    h = layers.Add()([layers.Dense(12)(h), h])
    o = layers.Dense(2, name="out")(h)
    m = keras.Model([a, s], o, name="two_input")
    xs = [rng.random((64, 5), dtype=np.float32), rng.random((64, 7, 3), dtype=np.float32)]
    y = rng.random((64, 2), dtype=np.float32)
    return m, xs, y, "mse"

cases = {}
for name, make in [("cnn", cnn), ("lstm", lstm), ("two_input", two_input)]:
    m, xs, y, loss = make()
    m.compile(optimizer="adam", loss=loss, run_eagerly=True)
    m.fit(xs if len(xs) > 1 else xs[0], y, epochs=2, batch_size=16, verbose=0)
    m.save(os.path.join(out, f"{name}.keras"))
    probe = [x[:4] for x in xs]
    pred = np.asarray(m(probe if len(probe) > 1 else probe[0], training=False))
    cases[name] = {
        "inputs": [{"shape": list(x.shape), "dtype": str(x.dtype), "values": x.reshape(-1).tolist()} for x in probe],
        "train_inputs": [{"shape": list(x.shape), "dtype": str(x.dtype), "values": x.reshape(-1).tolist()} for x in xs],
        "train_y": {"shape": list(np.shape(y)), "values": np.asarray(y, np.float32).reshape(-1).tolist()},
        "loss": loss,
        "pred": {"shape": list(pred.shape), "values": np.asarray(pred).reshape(-1).tolist()},
    }
    if name == "two_input":
        m.save(os.path.join(out, f"{name}.h5"))
with open(os.path.join(out, "cases.json"), "w") as f:
    json.dump(cases, f)
print("ok")
