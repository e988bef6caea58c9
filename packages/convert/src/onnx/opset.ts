// Kept apart from graph.ts so the package's public declarations do not pull in
// onnx-proto's types (which need protobufjs's Long).

/** The opset we write: LayerNormalization needs 17. */
export const OPSET = 17;
