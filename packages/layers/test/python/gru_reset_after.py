# Keras 3 GRU(reset_after=True) on the TensorFlow backend: for each case in the
# JSON file argv[1] (weights, inputs, an optional mask, a cotangent R), the
# output and the gradients of sum(output * R) with respect to the input and
# every weight. Prints one JSON list.
import json, os, sys
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras, numpy as np, tensorflow as tf

out = []
for c in json.load(open(sys.argv[1])):
    B, T, F = c["shape"]
    layer = keras.layers.GRU(c["units"], reset_after=True, **c["keras"])
    layer.build((None, T, F))
    layer.set_weights([np.asarray(w["values"], np.float32).reshape(w["shape"]) for w in c["weights"]])
    x = tf.Variable(np.asarray(c["x"], np.float32).reshape(B, T, F))
    mask = tf.constant(np.asarray(c["mask"], bool).reshape(B, T)) if c.get("mask") else None
    with tf.GradientTape() as tape:
        y = layer(x, mask=mask)
        r = tf.constant(np.asarray(c["r"], np.float32).reshape(y.shape))
        loss = tf.reduce_sum(y * r)
    grads = tape.gradient(loss, [x] + layer.trainable_weights)
    out.append({
        "y": {"shape": list(y.shape), "values": y.numpy().reshape(-1).tolist()},
        "grads": [g.numpy().reshape(-1).tolist() for g in grads],
    })
print(json.dumps(out))
