// "Open a compressed model": a .wmlc file (wasmml's compressed format: int8,
// float16, sparse or float32 weights; saveCompressed / encodeQuantized write
// it) chosen on the page is decoded from its bytes with
// wm.compression.decodeModel, its layers are listed (how each int8 one runs),
// and an MNIST-shaped model is scored on 1,000 of the embedded digits — the
// digits and the seeded split the Node runners use, so the probabilities can be
// compared with those the model gives in Node. Like the Keras panel it runs on
// the main thread.
const $ = (id) => document.getElementById(id);

$('wmlc-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  if (!file) return;
  const out = $('wmlc-summary');
  out.textContent = `loading ${file.name}…`;
  try {
    const wm = await import('wasmml');
    const { predictDigits } = await import('wasmml-example-models/compress');
    const { loadDigits } = await import('./fetch-data.js');
    await wm.ready();
    const bytes = new Uint8Array(await file.arrayBuffer());
    const model = await wm.compression.decodeModel(bytes, file.name);
    const int8 = model instanceof wm.compression.QuantizedModel;
    const lines = int8
      ? model.layers.map((l) => `${l.name.padEnd(24)} ${l.kind.padEnd(8)} ${l.runs}`)
      : model.layers.map((l) => `${l.name.padEnd(24)} ${l.getClassName().padEnd(20)} ${l.countParams()} params`);
    lines.unshift(`${file.name}: ${bytes.length.toLocaleString('en')} bytes, ${int8 ? 'int8' : 'float'} model`, '');
    const shape = int8 ? model.inputShape : model.inputs[0].shape.slice(1);
    const state = { name: file.name, bytes: bytes.length, int8, variant: wm.backendInfo().variant };
    if (shape.join() === '28,28,1') {
      const { digits } = await loadDigits(new URL('./', location.href));
      const started = performance.now();
      const { probs, accuracy, count } = predictDigits(model, digits);
      const ms = performance.now() - started;
      lines.push('', `accuracy on ${count} of the embedded digits: ${(accuracy * 100).toFixed(2)} % (${ms.toFixed(0)} ms)`);
      Object.assign(state, { accuracy, count, probs: Array.from(probs) });
    }
    out.textContent = lines.join('\n');
    window.wasmmlExample.compressed = state;
    model.dispose();
  } catch (err) {
    out.textContent = String(err.message ?? err);
    window.wasmmlExample.compressed = { error: String(err.message ?? err) };
  }
});
