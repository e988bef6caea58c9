// The order Keras 3 gives a functional model's layers (keras/src/ops/function.py
// map_graph): by decreasing depth from the outputs, ties broken by the order a
// depth-first walk from the outputs first meets them. Legacy .h5 weights are
// matched to layers by this position, not by name, so the writer must use it.
import type { Layer, LayersModel } from '@wasmml/layers';

type Node = LayersModel['outputs'][number]['node'];

export function kerasLayerOrder(model: LayersModel): Layer[] {
  if (model.getClassName() === 'Sequential') return model.layers;
  const indices = new Map<Layer, number>();
  const finished = new Set<NonNullable<Node>>();
  const decreasing: Array<NonNullable<Node>> = [];
  const visit = (node: Node) => {
    if (!node || finished.has(node)) return;
    if (!indices.has(node.layer)) indices.set(node.layer, indices.size);
    for (const t of node.inputs) visit(t.node);
    finished.add(node);
    decreasing.push(node);
  };
  for (const o of model.outputs) visit(o.node);
  const nodeDepth = new Map<NonNullable<Node>, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of [...decreasing].reverse()) {
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const t of node.inputs) if (t.node) nodeDepth.set(t.node, Math.max(depth + 1, nodeDepth.get(t.node) ?? 0));
  }
  return [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || indices.get(a)! - indices.get(b)!);
}
