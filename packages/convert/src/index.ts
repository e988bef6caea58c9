/**
 * @wasmml/convert — models move between wasmml and the Python frameworks:
 * Keras 3 `.keras` and full-model `.h5` files both ways, safetensors weights
 * (PyTorch / Hugging Face) both ways, and ONNX export of inference graphs.
 * @packageDocumentation
 */
export { loadKerasModel, saveKerasModel, kerasBytes } from './keras-file.js';
export { KERAS_VERSION } from './version.js';
export type { FileSource } from './source.js';
export { onnxBytes, exportOnnx } from './onnx/export.js';
export { OPSET as ONNX_OPSET } from './onnx/opset.js';
export { safetensorsBytes, saveSafetensors, loadSafetensorsWeights } from './safetensors.js';
