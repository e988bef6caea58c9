import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { applyOptimizer, f32View, optimizerSlots, type OptimizerParam, type OptimizerRule } from '@wasmml/kernels';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import { get, put, release, setup, singleAndThreaded } from './helpers.js';

beforeAll(async () => {
  await setup(2);
  tf.env().set('PROD', true); // no tfjs-node banner
  await tf.setBackend('cpu');
});

// Sizes: empty, tiny, one block and a bit (2048 + 1), several blocks, not multiples of 4.
const SIZES = [3, 0, 1, 5000, 2049, 17];
const STEPS = 4;

const grads = (step: number) => SIZES.map((n, i) => randomFloats(n, 1000 * step + i, -2, 2));
const initial = () => SIZES.map((n, i) => randomFloats(n, 77 + i));

function slotInit(rule: OptimizerRule): number {
  return rule.type === 'adagrad' ? 0.1 : 0;
}

function withStep(rule: OptimizerRule, t: number): OptimizerRule {
  return 'step' in rule ? { ...rule, step: t } : rule;
}

/** The tfjs update formulas in float64, one element at a time. */
function refStep(rule: OptimizerRule, p: Float64Array, g0: Float32Array, s: Float64Array[], clip: number): void {
  for (let i = 0; i < p.length; i++) {
    const g = Math.min(Math.max(g0[i]!, -clip), clip);
    switch (rule.type) {
      case 'sgd':
        p[i]! -= rule.learningRate * g;
        break;
      case 'momentum': {
        s[0]![i] = rule.momentum * s[0]![i]! + g;
        p[i]! -= rule.learningRate * (rule.useNesterov ? g + s[0]![i]! * rule.momentum : s[0]![i]!);
        break;
      }
      case 'rmsprop': {
        const d = rule.decay ?? 0.9,
          eps = rule.epsilon ?? 1e-7;
        s[0]![i] = s[0]![i]! * d + g * g * (1 - d);
        let denom: number;
        if (rule.centered) {
          s[2]![i] = s[2]![i]! * d + g * (1 - d);
          denom = Math.sqrt(s[0]![i]! - (s[2]![i]! ** 2 + eps));
        } else denom = Math.sqrt(s[0]![i]! + eps);
        s[1]![i] = s[1]![i]! * (rule.momentum ?? 0) + (g * rule.learningRate) / denom;
        p[i]! -= s[1]![i]!;
        break;
      }
      case 'adagrad':
        s[0]![i]! += g * g;
        p[i]! -= (rule.learningRate * g) / Math.sqrt(s[0]![i]! + (rule.epsilon ?? 1e-7));
        break;
      case 'adam':
      case 'adamw': {
        const lr = rule.learningRate ?? 0.001,
          b1 = rule.beta1 ?? 0.9,
          b2 = rule.beta2 ?? 0.999,
          t = rule.step;
        s[0]![i] = s[0]![i]! * b1 + g * (1 - b1);
        s[1]![i] = s[1]![i]! * b2 + g * g * (1 - b2);
        const upd = s[0]![i]! / (1 - b1 ** t) / (Math.sqrt(s[1]![i]! / (1 - b2 ** t)) + (rule.epsilon ?? 1e-7));
        const wd = rule.type === 'adamw' ? (rule.weightDecay ?? 0.01) : 0;
        p[i] = p[i]! - lr * wd * p[i]! - lr * upd;
        break;
      }
      case 'adamax': {
        const lr = rule.learningRate ?? 0.002,
          b1 = rule.beta1 ?? 0.9,
          b2 = rule.beta2 ?? 0.999,
          t = rule.step;
        s[0]![i] = s[0]![i]! * b1 + g * (1 - b1);
        s[1]![i] = Math.max(s[1]![i]! * b2, Math.abs(g));
        const lrT = lr / ((t - 1) * (rule.decay ?? 0) + 1);
        p[i]! -= ((lrT / (1 - b1 ** t)) * s[0]![i]!) / (s[1]![i]! + (rule.epsilon ?? 1e-7));
        break;
      }
    }
  }
}

/** Runs STEPS fused steps from fresh state; returns final params and slots. */
function runFused(rule: OptimizerRule, clipValue?: number): { params: Float32Array[]; slots: Float32Array[][] } {
  const nSlots = optimizerSlots(rule.type, rule.type === 'rmsprop' && !!rule.centered);
  const p0 = initial();
  const params: OptimizerParam[] = SIZES.map((n, i) => ({
    param: put(p0[i]!),
    grad: put(new Float32Array(n)),
    size: n,
    slots: Array.from({ length: nSlots }, () => put(new Float32Array(n).fill(slotInit(rule)))),
  }));
  for (let t = 1; t <= STEPS; t++) {
    const g = grads(t);
    params.forEach((p, i) => f32View(p.grad, p.size).set(g[i]!));
    applyOptimizer(params, withStep(rule, t), { clipValue });
  }
  const out = {
    params: params.map((p) => get(p.param, p.size)),
    slots: params.map((p) => p.slots!.map((s) => get(s, p.size))),
  };
  for (const p of params) release(p.param, p.grad, ...p.slots!);
  return out;
}

const RULES: OptimizerRule[] = [
  { type: 'sgd', learningRate: 0.1 },
  { type: 'momentum', learningRate: 0.05, momentum: 0.9 },
  { type: 'momentum', learningRate: 0.05, momentum: 0.8, useNesterov: true },
  { type: 'rmsprop', learningRate: 0.01 },
  { type: 'rmsprop', learningRate: 0.01, decay: 0.8, momentum: 0.5, centered: true },
  { type: 'adagrad', learningRate: 0.1 },
  { type: 'adam', learningRate: 0.01, step: 1 },
  { type: 'adamw', learningRate: 0.01, weightDecay: 0.1, step: 1 },
  { type: 'adamax', learningRate: 0.02, decay: 0.1, step: 1 },
];

function describeRule(r: OptimizerRule): string {
  return JSON.stringify(r).replace(/"step":1,?/, '');
}

describe('fused optimizers vs a float64 reference', () => {
  for (const rule of RULES) {
    for (const clip of [undefined, 0.5]) {
      it(`${describeRule(rule)}${clip ? ' clipped' : ''}: ${STEPS} steps, single == threaded`, () => {
        const { single, threaded } = singleAndThreaded(() => runFused(rule, clip));
        const nSlots = optimizerSlots(rule.type, rule.type === 'rmsprop' && !!rule.centered);
        const p = initial().map((a) => Float64Array.from(a));
        const s = SIZES.map((n) => Array.from({ length: nSlots }, () => new Float64Array(n).fill(slotInit(rule))));
        for (let t = 1; t <= STEPS; t++) {
          const g = grads(t);
          SIZES.forEach((_, i) => refStep(withStep(rule, t), p[i]!, g[i]!, s[i]!, clip ?? Infinity));
        }
        SIZES.forEach((_, i) => {
          expectClose(single.params[i]!, p[i]!, 2e-5, 2e-6, `param ${i}`);
          single.slots[i]!.forEach((v, k) => expectClose(v, s[i]![k]!, 1e-4, 1e-6, `param ${i} slot ${k}`));
        });
        expect(threaded).toEqual(single);
      });
    }
  }

  it('validates parameters and hyper-parameters', () => {
    const a = put([1, 2]),
      g = put([1, 1]);
    expect(() => applyOptimizer([{ param: a, grad: g, size: 2 }], { type: 'adam', step: 1 })).toThrow(
      /adam \(opt_adam_f32\): parameter 0: needs 2 slot arrays, got 0/,
    );
    expect(() => applyOptimizer([{ param: a, grad: g, size: 2, slots: [a, a] }], { type: 'adam', step: 0 })).toThrow(/step = 0/);
    expect(() => applyOptimizer([{ param: a, grad: g, size: -1 }], { type: 'sgd', learningRate: 1 })).toThrow(/size = -1/);
    expect(() => applyOptimizer([{ param: a, grad: g, size: 2 }], { type: 'sgd', learningRate: 1 }, { clipValue: 0 })).toThrow(/clipValue/);
    applyOptimizer([], { type: 'sgd', learningRate: 1 });
    release(a, g);
  });
});

// tfjs-core's own optimizers on the cpu backend, same gradients, same steps.
function tfOptimizer(rule: OptimizerRule): tf.Optimizer {
  switch (rule.type) {
    case 'sgd':
      return tf.train.sgd(rule.learningRate);
    case 'momentum':
      return tf.train.momentum(rule.learningRate, rule.momentum, rule.useNesterov);
    case 'rmsprop':
      return tf.train.rmsprop(rule.learningRate, rule.decay, rule.momentum, rule.epsilon, rule.centered);
    case 'adagrad':
      return tf.train.adagrad(rule.learningRate, 0.1);
    case 'adam':
      return tf.train.adam(rule.learningRate, rule.beta1, rule.beta2, rule.epsilon);
    case 'adamax':
      return tf.train.adamax(rule.learningRate, rule.beta1, rule.beta2, rule.epsilon, rule.decay);
    default:
      throw new Error(`no tfjs optimizer for ${rule.type}`);
  }
}

describe('fused optimizers vs tfjs-core optimizers (cpu backend)', () => {
  for (const rule of RULES.filter((r) => r.type !== 'adamw')) {
    it(describeRule(rule), () => {
      const ours = runFused(rule);
      const p0 = initial();
      const keep = SIZES.map((_n, i) => i).filter((i) => SIZES[i]! > 0);
      const vars = keep.map((i) => tf.variable(tf.tensor1d(p0[i]!), true, `v${i}_${Math.random()}`));
      const opt = tfOptimizer(rule);
      for (let t = 1; t <= STEPS; t++) {
        const g = grads(t);
        tf.tidy(() => opt.applyGradients(keep.map((i, k) => ({ name: vars[k]!.name, tensor: tf.tensor1d(g[i]!) }))));
      }
      keep.forEach((i, k) => expectClose(ours.params[i]!, vars[k]!.dataSync(), 1e-5, 1e-6, `${rule.type} param ${i}`));
      opt.dispose();
      tf.dispose(vars);
    });
  }
});
