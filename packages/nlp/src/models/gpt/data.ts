// Training data for language models: a token stream cut into windows whose
// targets are the same tokens shifted by one.
import * as ops from '@wasmml/tensor';
import { checkOptions, type OptionKeys } from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';

/** Inputs and targets of {@link shiftedWindows}. */
export interface ShiftedWindows {
  /** Inputs [windows, T], int32. */
  xs: Tensor;
  /** Next-token targets [windows, T], int32. */
  ys: Tensor;
}

/** Options of {@link shiftedWindows}. */
export interface ShiftedWindowArgs {
  /** Tokens per window (the model's context length or less). */
  contextLength: number;
  /** Start-to-start distance of windows (default contextLength: no overlap). */
  stride?: number;
  /** At most this many windows (from the start). */
  maxWindows?: number;
}

const WINDOW_KEYS: OptionKeys<ShiftedWindowArgs> = { contextLength: true, stride: true, maxWindows: true };

/**
 * xs[i] = ids[s .. s+T), ys[i] = ids[s+1 .. s+T+1) for window starts s = i·stride:
 * `fit(xs, ys)` then trains next-token prediction at every position.
 */
export function shiftedWindows(ids: ArrayLike<number>, args: ShiftedWindowArgs): ShiftedWindows {
  checkOptions('shiftedWindows', args, WINDOW_KEYS);
  const T = args.contextLength,
    stride = args.stride ?? T;
  if (!Number.isInteger(T) || T < 1) throw new Error(`shiftedWindows: contextLength must be a positive integer, got ${T}`);
  if (!Number.isInteger(stride) || stride < 1) throw new Error(`shiftedWindows: stride must be a positive integer, got ${stride}`);
  let n = ids.length > T ? Math.floor((ids.length - T - 1) / stride) + 1 : 0;
  if (args.maxWindows !== undefined) n = Math.min(n, args.maxWindows);
  if (n < 1) throw new Error(`shiftedWindows: ${ids.length} tokens make no window of ${T} + 1`);
  const xs = new Int32Array(n * T),
    ys = new Int32Array(n * T);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) {
      xs[i * T + t] = ids[i * stride + t] as number;
      ys[i * T + t] = ids[i * stride + t + 1] as number;
    }
  }
  return { xs: ops.tensor(xs, [n, T], 'int32'), ys: ops.tensor(ys, [n, T], 'int32') };
}

/** Options of {@link padIds} and {@link documentWindows}. */
export interface PadArgs {
  /** Tokens per row: longer sequences are cut, shorter ones padded on the right. */
  length: number;
  /** The padding id (default 0, BpeTokenizer's '<pad>'). */
  padId?: number;
}

const PAD_KEYS: OptionKeys<PadArgs> = { length: true, padId: true };

function padRows(op: string, sequences: ArrayLike<ArrayLike<number>>, args: PadArgs, shift: number): Tensor {
  checkOptions(op, args, PAD_KEYS);
  const T = args.length,
    pad = args.padId ?? 0;
  if (!Number.isInteger(T) || T < 1) throw new Error(`${op}: length must be a positive integer, got ${T}`);
  if (!Number.isInteger(pad)) throw new Error(`${op}: padId must be an integer, got ${pad}`);
  const out = new Int32Array(sequences.length * T).fill(pad);
  for (let r = 0; r < sequences.length; r++) {
    const s = sequences[r] as ArrayLike<number>;
    const n = Math.min(T, s.length - shift);
    for (let t = 0; t < n; t++) out[r * T + t] = s[t + shift] as number;
  }
  return ops.tensor(out, [sequences.length, T], 'int32');
}

/** Id sequences as one int32 tensor [sequences, length], cut or padded on the right (what `gptClassifier` reads). */
export function padIds(sequences: ArrayLike<ArrayLike<number>>, args: PadArgs): Tensor {
  return padRows('padIds', sequences, args, 0);
}

/**
 * One language-model window per document: xs[i] its first `length` ids, ys[i]
 * the same shifted by one, both padded on the right: pre-training on the part
 * of each text a classifier of that length will read.
 */
export function documentWindows(documents: ArrayLike<ArrayLike<number>>, args: PadArgs): ShiftedWindows {
  return { xs: padRows('documentWindows', documents, args, 0), ys: padRows('documentWindows', documents, args, 1) };
}

/** A character-level vocabulary: one id per distinct character of the training text. */
export class CharTokenizer {
  private readonly index: Map<string, number>;
  /** Characters by id. */
  readonly chars: string[];
  constructor(chars: Iterable<string>) {
    this.chars = [...new Set(chars)];
    this.index = new Map(this.chars.map((c, i) => [c, i]));
  }
  /** The characters of `text`, sorted by code point. */
  static fit(text: string): CharTokenizer {
    return new CharTokenizer([...new Set(Array.from(text))].sort());
  }
  /** Number of ids. */
  get vocabSize(): number {
    return this.chars.length;
  }
  /** Ids of `text`; a character it has not seen throws. */
  encode(text: string): number[] {
    return Array.from(text, (c) => {
      const id = this.index.get(c);
      if (id === undefined) throw new Error(`CharTokenizer.encode: character ${JSON.stringify(c)} is not in the vocabulary`);
      return id;
    });
  }
  /** Text of `ids`. */
  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, (i) => this.chars[i] ?? '').join('');
  }
}
