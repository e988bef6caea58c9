# The scale-out guide's one-machine run: argv[1] holds model.keras (exported by
# wasmml) and the data as raw float32 / int32 files. Keras 3 on JAX trains it
# with DataParallel over the CPU devices XLA is told to expose, and saves
# trained.keras beside it.
import json, os, sys
os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2"
import keras, numpy as np

d = sys.argv[1]
meta = json.load(open(os.path.join(d, "data.json")))
x = np.fromfile(os.path.join(d, "x.f32"), dtype=np.float32).reshape(meta["x_shape"])
y = np.fromfile(os.path.join(d, "y.i32"), dtype=np.int32)

devices = keras.distribution.list_devices("cpu")
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
model = keras.saving.load_model(os.path.join(d, "model.keras"), compile=False)
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
before = float(model.evaluate(x, y, batch_size=64, verbose=0))
model.fit(x, y, epochs=8, batch_size=64, verbose=0)
after = float(model.evaluate(x, y, batch_size=64, verbose=0))
model.save(os.path.join(d, "trained.keras"))
print(json.dumps({"devices": len(devices), "batch_sharding": str(keras.distribution.distribution().get_data_layout((64, 8)).axes), "before": before, "after": after}))
