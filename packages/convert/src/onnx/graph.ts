// A small builder over the ONNX protobuf messages (onnx-proto's protobufjs
// classes): nodes, initializers and attributes, with names made unique.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const AT = onnx.AttributeProto.AttributeType;
const DT = onnx.TensorProto.DataType;

import { OPSET } from './opset.js';

export { OPSET };

export type AttrValue = number | string | number[] | string[] | { float: number } | { floats: number[] };

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  if (typeof v === 'string') return { name, type: AT.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: AT.INT, i: v };
  if (!Array.isArray(v)) {
    return 'float' in v ? { name, type: AT.FLOAT, f: v.float } : { name, type: AT.FLOATS, floats: v.floats };
  }
  if (v.length && typeof v[0] === 'string')
    return { name, type: AT.STRINGS, strings: (v as string[]).map((s) => new TextEncoder().encode(s)) };
  return { name, type: AT.INTS, ints: v as number[] };
}

export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private used = new Set<string>();

  /** A fresh value name starting with `base`. */
  name(base: string): string {
    let n = base.replace(/[^A-Za-z0-9_./:-]/g, '_');
    for (let i = 1; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }

  /** Adds a node; returns its output names. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1, base = opType.toLowerCase()): string[] {
    const outs = Array.from({ length: outputs }, (_, i) => this.name(outputs > 1 ? `${base}_out${i}` : base));
    this.nodes.push({
      opType,
      input: inputs,
      output: outs,
      name: this.name(`${base}_node`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** One-output node. */
  op1(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, base?: string): string {
    return this.op(opType, inputs, attrs, 1, base)[0]!;
  }

  /** A float32 constant. */
  float(base: string, dims: number[], values: Float32Array | number[]): string {
    const name = this.name(base);
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    this.initializers.push({
      name,
      dims,
      dataType: DT.FLOAT,
      rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    });
    return name;
  }

  /** An int64 constant (shapes, axes). */
  int64(base: string, values: number[]): string {
    const name = this.name(base);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: DT.INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  /** A graph input or output description; null dims are symbolic ('batch', 'steps'...). */
  valueInfo(name: string, dtype: 'float32' | 'int32', shape: Array<number | null>): onnxProto.onnx.IValueInfoProto {
    return {
      name,
      type: {
        tensorType: {
          elemType: dtype === 'int32' ? DT.INT32 : DT.FLOAT,
          shape: { dim: shape.map((d, i) => (d === null ? { dimParam: i === 0 ? 'batch' : `d${i}` } : { dimValue: d })) },
        },
      },
    };
  }

  /** The serialized ModelProto. */
  encode(graphName: string, producer: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: producer,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: { name: graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
