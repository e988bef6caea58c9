// Text of the training progress display, shared by the terminal bar and the
// browser console logger: Keras-style "loss: 0.1234 - acc: 0.9000" logs.
import type { Logs } from '../base.js';

/** Where progress is written: process.stdout, or any object with write (and isTTY for the live bar). */
export interface OutStream {
  /** Writes text (no newline added). */
  write(text: string): unknown;
  /** Whether it is a terminal; the live bar (verbose 1) draws only on terminals. */
  isTTY?: boolean;
  /** Terminal width in characters. */
  columns?: number;
}

/** Options of the progress display. */
export interface ProgressBarArgs {
  /** 1: a live bar per epoch on terminals (nothing elsewhere); 2: one line per epoch. Default 1. */
  verbose?: number;
  /** Where to write (default process.stdout where there is one). */
  stream?: OutStream;
}

/** Keras's number format: 4 decimals, exponent for small magnitudes. */
function fmtValue(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
}

/** 'loss: 0.1234 - acc: 0.9000' (batch and size entries left out). */
export function formatLogs(logs: Logs = {}): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'batch' && k !== 'size')
    .map(([k, v]) => `${k}: ${fmtValue(v)}`)
    .join(' - ');
}

/** Seconds as '12s', '3:05' or '1:02:03' ('?' when unknown). */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  const h = Math.floor(t / 3600),
    m = Math.floor((t % 3600) / 60),
    sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The verbose-2 line of a finished epoch: 'Epoch 3/10 - 1.2s - loss: 0.1234 - val_loss: 0.2345'. */
export function epochLine(epoch: number, epochs: number | undefined, seconds: number, logs: Logs = {}): string {
  const l = formatLogs(logs);
  return `Epoch ${epoch + 1}/${epochs ?? '?'} - ${seconds.toFixed(1)}s${l ? ` - ${l}` : ''}`;
}

/** The process's stdout, where the runtime has one. */
export function defaultStream(): OutStream | undefined {
  return (globalThis as { process?: { stdout?: OutStream } }).process?.stdout;
}
