// wasmml model -> ONNX inference graph (opset 17). Every layer is checked
// before anything is built, so one error lists all that cannot be exported;
// the file is written through a temporary name and a rename.
import { type InputLayer, type LayersModel, modelArtifacts } from '@wasmml/layers';
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

function specsOf(topology: Json): { sequential: boolean; specs: Spec[]; cfg: Json } {
  const cfg = (topology.config ?? {}) as Json;
  return { sequential: topology.class_name === 'Sequential', specs: (cfg.layers ?? []) as Spec[], cfg };
}

function nameOf(s: Spec): string {
  return String(s.name ?? s.config.name);
}

/** Everything in the model that has no ONNX form, as one message per problem. */
function exportIssues(specs: Spec[]): string[] {
  const issues: string[] = [];
  for (const s of specs) {
    if (s.class_name === 'InputLayer') continue;
    const where = `layer '${nameOf(s)}' (${s.class_name})`;
    const e = EMITTERS[s.class_name];
    if (!e) {
      issues.push(
        `${where}: no ONNX export for ${s.class_name === 'Sequential' || s.class_name === 'Model' ? 'nested models' : `class ${s.class_name}`} (exportable: ${Object.keys(EMITTERS).join(', ')})`,
      );
      continue;
    }
    for (const i of e.issues?.(s.config) ?? []) issues.push(`${where}: ${i}`);
    if (s.config.dtype && !['float32', 'int32'].includes(String(s.config.dtype)))
      issues.push(`${where}: dtype ${String(s.config.dtype)} (float32 exports)`);
  }
  return issues;
}

/**
 * The model as ONNX bytes (opset 17, IR 8): the inference graph (dropout is
 * the identity, batch normalization uses its moving statistics). Inputs and
 * outputs are named after the model's input and output layers; the batch
 * dimension is symbolic.
 */
export async function onnxBytes(model: LayersModel): Promise<Uint8Array> {
  const artifacts = await modelArtifacts(model);
  const { sequential, specs, cfg } = specsOf(artifacts.modelTopology as Json);
  const issues = exportIssues(specs);
  if (issues.length) throw new Error(`exportOnnx: ${model.name} cannot be exported to ONNX:\n  - ${issues.join('\n  - ')}`);
  const g = new GraphBuilder();
  const values = new Map<string, string>(); // "layer:node:tensor" -> ONNX value name
  const addInput = (inp: { name: string; shape: ReadonlyArray<number | null>; dtype: string }, key: string) => {
    const name = g.name(inp.name);
    g.inputs.push(g.valueInfo(name, inp.dtype === 'int32' ? 'int32' : 'float32', [null, ...inp.shape.slice(1)]));
    values.set(key, name);
  };
  const emit = (s: Spec, ins: string[]) =>
    EMITTERS[s.class_name]!.emit({ g, ins, cfg: s.config, layer: model.getLayer(nameOf(s)), base: nameOf(s) });
  let outs: string[];
  if (sequential) {
    const input = model.inputs[0]!;
    addInput({ name: input.name.split(':')[0] ?? 'input', shape: input.shape, dtype: input.dtype }, 'input');
    let x = values.get('input')!;
    for (const s of specs) if (s.class_name !== 'InputLayer') x = emit(s, [x]);
    outs = [x];
  } else {
    for (const s of specs) {
      if (s.class_name !== 'InputLayer') continue;
      const l = model.getLayer(nameOf(s)) as InputLayer;
      const t = l.inboundNodes[0]!.outputs[0]!;
      addInput({ name: nameOf(s), shape: t.shape, dtype: t.dtype }, `${nameOf(s)}:0:0`);
    }
    // Emit applications once their inputs exist (the saved order may not be topological).
    const pending = specs
      .filter((s) => s.class_name !== 'InputLayer')
      .flatMap((s) => (s.inbound_nodes ?? []).map((refs, node) => ({ s, refs, node })));
    for (let progress = true; progress && pending.length; ) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const { s, refs, node } = pending[i]!;
        const ins = refs.map((r) => values.get(`${String(r[0])}:${String(r[1])}:${String(r[2])}`));
        if (ins.some((v) => v === undefined)) continue;
        values.set(`${nameOf(s)}:${node}:0`, emit(s, ins as string[]));
        pending.splice(i--, 1);
        progress = true;
      }
    }
    outs = ((cfg.output_layers ?? []) as unknown[][]).map((r) => values.get(`${String(r[0])}:${String(r[1])}:${String(r[2])}`)!);
  }
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
