// "Open a Keras model": a .keras (Keras 3) or full-model .h5 file chosen on the
// page is loaded with wm.convert.loadKerasModel from its bytes (no server, no
// file system), and its layers and a prediction on zeros are shown. The page's
// other panels train in a worker; this one runs on the main thread, so the
// kernels load here on first use.
const $ = (id) => document.getElementById(id);

$('keras-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  if (!file) return;
  const out = $('keras-summary');
  out.textContent = `loading ${file.name}…`;
  try {
    const wm = await import('wasmml');
    await wm.ready();
    const model = await wm.convert.loadKerasModel(new Uint8Array(await file.arrayBuffer()));
    const lines = model.layers.map((l) => `${l.name.padEnd(24)} ${l.getClassName().padEnd(20)} ${l.countParams()} params`);
    const inputs = model.inputs.map((i) => wm.zeros([1, ...i.shape.slice(1)], i.dtype));
    const y = model.predict(inputs.length === 1 ? inputs[0] : inputs);
    const first = Array.isArray(y) ? y[0] : y;
    lines.push(
      '',
      `prediction on zeros: [${Array.from(first.dataSync())
        .map((v) => v.toFixed(4))
        .join(', ')}]`,
    );
    out.textContent = lines.join('\n');
    window.wasmmlExample.keras = { name: file.name, layers: model.layers.length, prediction: Array.from(first.dataSync()) };
    wm.dispose([...inputs, ...(Array.isArray(y) ? y : [y])]);
    model.dispose();
  } catch (err) {
    out.textContent = String(err.message ?? err);
  }
});
