// The parts of @wasmml/layers and @wasmml/tensor the ONNX emitters read.
export type { Layer } from '@wasmml/layers';
export type { Variable } from '@wasmml/tensor';
