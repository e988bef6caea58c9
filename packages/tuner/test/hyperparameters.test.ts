// The search space: registration, values, sampling by the inverse CDF, conditions and errors.
import { describe, expect, it } from 'vitest';
import { Random } from '@wasmml/datasets';
import { fromUnit, HyperParameters, toUnit } from '../src/index.js';

describe('HyperParameters', () => {
  it('registers on first use and returns the default, then the trial value', () => {
    const hp = new HyperParameters();
    expect(hp.float('lr', 1e-4, 1e-1, { sampling: 'log', default: 1e-3 })).toBe(1e-3);
    expect(hp.int('units', 16, 64, { step: 16 })).toBe(16);
    expect(hp.choice('act', ['relu', 'tanh'])).toBe('relu');
    expect(hp.boolean('bn')).toBe(false);
    expect(hp.space.map((s) => s.name)).toEqual(['lr', 'units', 'act', 'bn']);
    const trial = HyperParameters.from(hp.space, { lr: 0.01, units: 48, act: 'tanh', bn: true });
    expect([trial.float('lr', 1e-4, 1e-1), trial.int('units', 16, 64), trial.choice('act', ['relu', 'tanh']), trial.boolean('bn')]).toEqual(
      [0.01, 48, 'tanh', true],
    );
    expect(trial.get('units')).toBe(48);
  });

  it('log sampling is uniform in log space; steps and ints land on the grid; inverse maps agree', () => {
    const hp = new HyperParameters();
    hp.float('lr', 1e-4, 1, { sampling: 'log' });
    hp.int('units', 16, 256, { step: 16 });
    hp.float('drop', 0, 0.5, { step: 0.1 });
    hp.choice('opt', ['adam', 'sgd', 'rmsprop']);
    const [lr, units, drop, opt] = hp.space;
    const rng = new Random(3);
    const decades = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) decades[Math.floor(-Math.log10(fromUnit(lr!, rng.next()) as number))]! += 1;
    for (const d of decades) expect(Math.abs(d - 1000)).toBeLessThan(120);
    for (let i = 0; i < 200; i++) {
      const u = fromUnit(units!, rng.next()) as number;
      expect(u % 16).toBe(0);
      expect(u).toBeGreaterThanOrEqual(16);
      expect(u).toBeLessThanOrEqual(256);
      const d = fromUnit(drop!, rng.next()) as number;
      expect(Math.abs(d * 10 - Math.round(d * 10))).toBeLessThan(1e-9);
    }
    expect(fromUnit(lr!, toUnit(lr!, 0.003))).toBeCloseTo(0.003, 10);
    for (const v of ['adam', 'sgd', 'rmsprop']) expect(fromUnit(opt!, toUnit(opt!, v))).toBe(v);
  });

  it('conditional scopes: children exist only while the parent has one of the values', () => {
    const build = (hp: HyperParameters) => {
      const kind = hp.choice('kind', ['mlp', 'linear']);
      const units = hp.conditionalScope('kind', ['mlp'], () => hp.int('units', 8, 32, { step: 8 }));
      return { kind, units };
    };
    const hp = new HyperParameters();
    expect(build(hp)).toEqual({ kind: 'mlp', units: 8 });
    expect(hp.space[1]!.conditions).toEqual([{ parent: 'kind', values: ['mlp'] }]);
    const linear = HyperParameters.from(hp.space, { kind: 'linear' });
    expect(build(linear)).toEqual({ kind: 'linear', units: undefined });
    expect(linear.toJSON()).toEqual({ kind: 'linear' });
    expect(() => linear.get('units')).toThrow(/'units' is inactive in this trial/);
    expect(() => hp.conditionalScope('knd', ['mlp'], () => 1)).toThrow(/no hyper-parameter named 'knd' \(did you mean 'kind'\?\)/);
  });

  it('bad declarations name the hyper-parameter and what was expected', () => {
    const hp = new HyperParameters();
    expect(() => hp.float('lr', 1, 0.1)).toThrow("hp.float('lr'): minValue 1 is greater than maxValue 0.1");
    expect(() => hp.float('lr', 0, 1, { sampling: 'log' })).toThrow("hp.float('lr'): log sampling needs minValue > 0, got 0");
    expect(() => hp.int('n', 1.5, 4)).toThrow(/must be integers/);
    expect(() => hp.int('n', 1, 4, { step: 0 })).toThrow(/step must be > 0/);
    expect(() => hp.choice('c', [])).toThrow(/values must be a non-empty array/);
    expect(() => hp.choice('c', [1, 'a'] as never)).toThrow(/must all be numbers, all strings or all booleans/);
    expect(() => hp.choice('c', [1, 2], { default: 3 })).toThrow(/default 3 is not one of \[1,2\]/);
    expect(() => hp.float('x', 0, 1, { smapling: 'log' } as never)).toThrow(/unknown option 'smapling'; did you mean 'sampling'\?/);
    expect(() => hp.float('x', 0, 1, { default: 2 })).toThrow(/default 2 is outside \[0, 1\]/);
    hp.int('k', 1, 3);
    expect(() => hp.float('k', 0, 1)).toThrow(/'k' is already a int hyper-parameter/);
    expect(() => hp.get('kk')).toThrow(/no hyper-parameter named 'kk' \(did you mean 'k'\?\)/);
    // A failed declaration registers nothing.
    expect(hp.space.map((s) => s.name)).toEqual(['k']);
  });
});
