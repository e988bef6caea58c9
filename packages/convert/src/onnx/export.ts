// wasmml model -> ONNX inference graph (opset 17). Every layer is checked
// before anything is built, so one error lists all that cannot be exported;
// nested models (a Sequential inside a functional model, say) are inlined:
// their layers become nodes of the one graph. The file is written through a
// temporary name and a rename.
import { type Layer, type LayersModel, modelArtifacts } from '@wasmml/layers';
import { writeAtomic } from '../source.js';
import { GraphBuilder } from './graph.js';
import { EMITTERS } from './layers.js';

type Json = Record<string, unknown>;
interface Spec {
  class_name: string;
  name?: string;
  config: Json;
  inbound_nodes?: unknown[][][];
}

const NESTED = new Set(['Sequential', 'Model']);

function nameOf(s: Spec): string {
  return String(s.name ?? s.config.name);
}

function layersOf(cfg: Json): Spec[] {
  return (cfg.layers ?? []) as Spec[];
}

/** "layer:node:tensor" of a [name, node, tensor] reference. */
const refKey = (r: unknown[]) => `${String(r[0])}:${String(r[1])}:${String(r[2])}`;

/** Everything in the model (nested models included) that has no ONNX form, as one message per problem. */
function exportIssues(specs: Spec[], within = ''): string[] {
  const issues: string[] = [];
  for (const s of specs) {
    if (s.class_name === 'InputLayer') continue;
    const where = `${within}layer '${nameOf(s)}' (${s.class_name})`;
    if (NESTED.has(s.class_name)) {
      issues.push(...exportIssues(layersOf(s.config), `${where} > `));
      continue;
    }
    const e = EMITTERS[s.class_name];
    if (!e) {
      issues.push(`${where}: no ONNX export for class ${s.class_name} (exportable: ${Object.keys(EMITTERS).join(', ')}, nested models)`);
      continue;
    }
    for (const i of e.issues?.(s.config) ?? []) issues.push(`${where}: ${i}`);
    if (s.config.dtype && !['float32', 'int32'].includes(String(s.config.dtype)))
      issues.push(`${where}: dtype ${String(s.config.dtype)} (float32 exports)`);
  }
  return issues;
}

/** Emits one layer (a nested model recursively) on its input values; returns its output values. */
function emitLayer(g: GraphBuilder, s: Spec, layer: Layer, ins: string[]): string[] {
  if (NESTED.has(s.class_name)) return emitModel(g, layer as LayersModel, s.class_name === 'Sequential', s.config, ins);
  return [EMITTERS[s.class_name]!.emit({ g, ins, cfg: s.config, layer, base: nameOf(s) })];
}

/** The model's layers as nodes, fed with `ins` (one value per model input, in input order); returns its outputs. */
function emitModel(g: GraphBuilder, model: LayersModel, sequential: boolean, cfg: Json, ins: string[]): string[] {
  const specs = layersOf(cfg);
  if (sequential) {
    let x = [ins[0]!];
    for (const s of specs) if (s.class_name !== 'InputLayer') x = emitLayer(g, s, model.getLayer(nameOf(s)), x);
    return x;
  }
  const values = new Map<string, string>(); // "layer:node:tensor" -> ONNX value name
  ((cfg.input_layers ?? []) as unknown[][]).forEach((r, i) => values.set(refKey(r), ins[i]!));
  // Emit applications once their inputs exist (the saved order may not be topological).
  const pending = specs
    .filter((s) => s.class_name !== 'InputLayer')
    .flatMap((s) => (s.inbound_nodes ?? []).map((refs, node) => ({ s, refs, node })));
  for (let progress = true; progress && pending.length; ) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      const { s, refs, node } = pending[i]!;
      const got = refs.map((r) => values.get(refKey(r)));
      if (got.some((v) => v === undefined)) continue;
      emitLayer(g, s, model.getLayer(nameOf(s)), got as string[]).forEach((out, k) => values.set(`${nameOf(s)}:${node}:${k}`, out));
      pending.splice(i--, 1);
      progress = true;
    }
  }
  return ((cfg.output_layers ?? []) as unknown[][]).map((r) => {
    const v = values.get(refKey(r));
    if (v === undefined) throw new Error(`exportOnnx: ${model.name}: output ${refKey(r)} is never computed from the model's inputs`);
    return v;
  });
}

/**
 * The model as ONNX bytes (opset 17, IR 8): the inference graph (dropout is
 * the identity, batch normalization uses its moving statistics). Inputs and
 * outputs are named after the model's input and output layers; the batch
 * dimension is symbolic.
 */
export async function onnxBytes(model: LayersModel): Promise<Uint8Array> {
  const topology = (await modelArtifacts(model)).modelTopology as Json;
  const cfg = (topology.config ?? {}) as Json;
  const sequential = topology.class_name === 'Sequential';
  const issues = exportIssues(layersOf(cfg));
  if (issues.length) throw new Error(`exportOnnx: ${model.name} cannot be exported to ONNX:\n  - ${issues.join('\n  - ')}`);
  const g = new GraphBuilder();
  const ins = model.inputs.map((t, i) => {
    const name = g.name((sequential ? undefined : t.sourceLayer?.name) ?? (t.name.split(':')[0] || `input_${i}`));
    g.inputs.push(g.valueInfo(name, t.dtype === 'int32' ? 'int32' : 'float32', [null, ...t.shape.slice(1)]));
    return name;
  });
  const outs = emitModel(g, model, sequential, cfg, ins);
  model.outputs.forEach((o, i) => {
    const name = g.name(model.outputs.length === 1 ? 'output' : `output_${i}`);
    g.nodes.push({ opType: 'Identity', input: [outs[i]!], output: [name], name: g.name(`${name}_node`) });
    g.outputs.push(g.valueInfo(name, 'float32', [null, ...o.shape.slice(1)]));
  });
  return g.encode(model.name, 'wasmml @wasmml/convert');
}

/** Exports the model to an ONNX file (temporary file + rename: a failure leaves nothing behind). */
export async function exportOnnx(model: LayersModel, path: string): Promise<void> {
  await writeAtomic(path, await onnxBytes(model));
}
