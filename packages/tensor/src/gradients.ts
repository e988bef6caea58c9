// Reverse-mode automatic differentiation over the tape that ops record while
// a gradient function runs (tfjs semantics for grad, grads, valueAndGrad(s),
// variableGrads and customGrad).
//
// Higher-order gradients are not supported: a gradient function called inside
// another runs on its own tape, and its results are constants to the outer one.
import { ENGINE, record, type TapeNode } from './engine.js';
import { convert, type TensorLike } from './convert.js';
import { fmtShape, shapesEqual } from './shape.js';
import { Tensor } from './tensor.js';
import { tidy, keep } from './tidy.js';
import { ones, zeros } from './create.js';
import { registeredVariables, type Variable } from './variable.js';
import { add } from './ops/binary.generated.js';

/** Nodes on some path from xs to y, in recording order, and the tensors that depend on xs. */
function relevantNodes(tape: TapeNode[], xs: Tensor[], y: Tensor): { nodes: TapeNode[]; reach: Set<number> } {
  const reach = new Set(xs.map((x) => x.id));
  const fwd: TapeNode[] = [];
  for (const n of tape) {
    if (n.inputs.some((t) => reach.has(t.id))) {
      fwd.push(n);
      for (const o of n.outputs) reach.add(o.id);
    }
  }
  const needed = new Set([y.id]);
  const out: TapeNode[] = [];
  for (let i = fwd.length - 1; i >= 0; i--) {
    const n = fwd[i]!;
    if (n.outputs.some((o) => needed.has(o.id))) {
      out.push(n);
      for (const t of n.inputs) needed.add(t.id);
    }
  }
  return { nodes: out.reverse(), reach };
}

function backprop(tape: TapeNode[], xs: Tensor[], y: Tensor, dy: Tensor): Array<Tensor | undefined> {
  const grads = new Map<number, Tensor>([[y.id, dy]]);
  const { nodes, reach } = relevantNodes(tape, xs, y);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!node.outputs.some((o) => grads.has(o.id))) continue;
    // Under profile(), the gradient's kernels count for the scope (layer) its op ran in.
    const profiler = ENGINE.profiler;
    profiler?.enter(node.scope ?? '', 'backward');
    try {
      backpropNode(node, grads, reach);
    } finally {
      profiler?.exit();
    }
  }
  return xs.map((x) => grads.get(x.id));
}

/** Runs one node's gradient and adds what it gives its inputs into `grads`. */
function backpropNode(node: TapeNode, grads: Map<number, Tensor>, reach: Set<number>): void {
  const dys = node.outputs.map((o) => grads.get(o.id) ?? zeros(o.shape, 'float32'));
  const inGrads = node.backward(
    dys,
    node.inputs.map((t) => reach.has(t.id)),
  );
  node.inputs.forEach((input, k) => {
    const g = inGrads[k];
    if (!g) return;
    if (!shapesEqual(g.shape, input.shape)) {
      throw new Error(
        `gradient of ${node.name}: input ${k} has shape ${fmtShape(input.shape)} but its gradient has shape ` +
          `${fmtShape(g.shape)} (a bug in ${node.name}'s gradient)`,
      );
    }
    const prev = grads.get(input.id);
    grads.set(input.id, prev ? add(prev, g) : g);
  });
}

/** Runs f on a fresh tape and returns its value and the gradients of its value with respect to xs. */
function compute(
  f: () => Tensor,
  xs: Tensor[],
  dy: Tensor | TensorLike | undefined,
  op: string,
  allowMissing: boolean,
): { value: Tensor; grads: Array<Tensor | undefined> } {
  const outer = ENGINE.tape;
  const paused = ENGINE.tapePaused;
  ENGINE.tape = [];
  ENGINE.tapePaused = 0;
  try {
    return tidy(() => {
      const value = f();
      if (!(value instanceof Tensor)) throw new Error(`${op}: the function must return a Tensor, got ${typeof value}`);
      const tape = ENGINE.tape!;
      ENGINE.tape = null;
      const seed = dy === undefined ? ones(value.shape, 'float32') : convert(dy, 'dy', op, 'float32');
      if (!shapesEqual(seed.shape, value.shape)) {
        throw new Error(`${op}: dy has shape ${fmtShape(seed.shape)} but f returned shape ${fmtShape(value.shape)}`);
      }
      const grads = backprop(tape, xs, value, seed);
      if (!allowMissing) {
        grads.forEach((g, i) => {
          if (!g) {
            throw new Error(
              `${op}: cannot compute the gradient of y = f(x) with respect to input ${i} (shape ` +
                `${fmtShape(xs[i]!.shape)}): no operation in f connects it to y. Make sure f uses it and ` +
                `does not cut it off (e.g. with dataSync or a non-differentiable op).`,
            );
          }
        });
      }
      return { value, grads } as never;
    });
  } finally {
    ENGINE.tape = outer;
    ENGINE.tapePaused = paused;
  }
}

/** Gradient function of a one-input f: x -> df/dx (times dy, ones by default). */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor | TensorLike, dy?: Tensor | TensorLike) => Tensor {
  return (x, dy) => {
    const xt = convert(x, 'x', 'grad');
    const { value, grads } = compute(() => f(xt), [xt], dy, 'grad', false);
    value.dispose();
    return grads[0]!;
  };
}

/** Gradient function of a many-input f: [x1, x2, ...] -> [df/dx1, df/dx2, ...]. */
export function grads(f: (...args: Tensor[]) => Tensor): (args: Array<Tensor | TensorLike>, dy?: Tensor | TensorLike) => Tensor[] {
  return (args, dy) => {
    if (!Array.isArray(args)) throw new Error('grads: the returned function takes an array of inputs');
    const xs = args.map((a, i) => convert(a, `args[${i}]`, 'grads'));
    const { value, grads: g } = compute(() => f(...xs), xs, dy, 'grads', false);
    value.dispose();
    return g as Tensor[];
  };
}

/**
 * Like {@link grad}, also returning f's value (tfjs `valueAndGrad`): x -> {value, grad}.
 * @property __type.__type.__type.value f(x).
 * @property __type.__type.__type.grad df/dx, times dy.
 */
export function valueAndGrad(
  f: (x: Tensor) => Tensor,
): (x: Tensor | TensorLike, dy?: Tensor | TensorLike) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const xt = convert(x, 'x', 'valueAndGrad');
    const { value, grads: g } = compute(() => f(xt), [xt], dy, 'valueAndGrad', false);
    return { value, grad: g[0]! };
  };
}

/**
 * Like {@link grads}, also returning f's value (tfjs `valueAndGrads`): [x1, ...] -> {value, grads}.
 * @property __type.__type.__type.value f(x1, ...).
 * @property __type.__type.__type.grads One gradient per input, in order, times dy.
 */
export function valueAndGrads(
  f: (...args: Tensor[]) => Tensor,
): (args: Array<Tensor | TensorLike>, dy?: Tensor | TensorLike) => { value: Tensor; grads: Tensor[] } {
  return (args, dy) => {
    const xs = args.map((a, i) => convert(a, `args[${i}]`, 'valueAndGrads'));
    const { value, grads: g } = compute(() => f(...xs), xs, dy, 'valueAndGrads', false);
    return { value, grads: g as Tensor[] };
  };
}

/**
 * Gradients of the scalar f() with respect to trainable variables (all of them
 * unless varList is given), by variable name. Variables f does not use are left out.
 * @property __type.value The value of f().
 * @property __type.grads Gradient of each variable f uses, keyed by {@link Variable.name}.
 */
export function variableGrads(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  const vars = (varList ?? [...registeredVariables().values()]).filter((v) => v.trainable);
  if (vars.length === 0) throw new Error('variableGrads: there are no trainable variables to differentiate');
  const { value, grads: g } = compute(
    () => {
      const y = f();
      if (y instanceof Tensor && y.rank !== 0) {
        throw new Error(`variableGrads: f must return a scalar, got shape ${fmtShape(y.shape)}`);
      }
      return y;
    },
    vars,
    undefined,
    'variableGrads',
    true,
  );
  const out: Record<string, Tensor> = {};
  vars.forEach((v, i) => {
    if (g[i]) out[v.name] = g[i]!;
  });
  if (Object.keys(out).length === 0) {
    value.dispose();
    throw new Error('variableGrads: none of the variables is used by f, so there is no gradient to compute');
  }
  return { value, grads: out };
}

/** Saves tensors a custom gradient needs. */
export type SaveFunc = (tensors: Tensor[]) => void;

/**
 * An op with a hand-written gradient: f(...inputs, save) returns the value and
 * gradFunc(dy, saved) returning one gradient per input.
 */
export function customGrad(
  f: (...args: Array<Tensor | SaveFunc>) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] },
): (...args: Array<Tensor | TensorLike>) => Tensor {
  return (...args) => {
    const xs = args.map((a, i) => convert(a, `args[${i}]`, 'customGrad'));
    const saved: Tensor[] = [];
    const save: SaveFunc = (ts) => {
      for (const t of ts) saved.push(t);
    };
    ENGINE.tapePaused++;
    let res: ReturnType<typeof f>;
    try {
      res = f(...xs, save);
    } finally {
      ENGINE.tapePaused--;
    }
    if (!res || !(res.value instanceof Tensor) || typeof res.gradFunc !== 'function') {
      throw new Error('customGrad: f must return {value: Tensor, gradFunc: (dy, saved) => Tensor | Tensor[]}');
    }
    record('CustomGrad', xs, [res.value], ([dy]) => {
      const g = res.gradFunc(dy!, saved);
      return Array.isArray(g) ? g : [g];
    });
    return res.value;
  };
}

export { keep };
