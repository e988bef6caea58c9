// Knowledge distillation (Hinton et al. 2015, in the shape of the Keras
// `Distiller` example): the student learns from the labels and from the
// teacher's outputs softened at temperature T,
//   loss = alpha · CE(labels, student) + (1 - alpha) · T² · KL(softmax(t/T) ‖ softmax(s/T)),
// the T² keeping the soft term's gradients at the scale of the hard one's.
// The teacher's soft targets are computed once and travel beside the labels,
// so training is the student's own `fit`, with its callbacks and validation.
import type { History, LayersModel, ModelCompileArgs, ModelFitArgs } from '@wasmml/layers';
import * as wm from '@wasmml/tensor';
import type { Tensor } from '@wasmml/tensor';

/** Options of {@link distill}. */
export interface DistillOptions {
  /** The trained model whose outputs the student imitates. */
  teacher: LayersModel;
  /** The model to train, with the teacher's output shape [batch, classes]. */
  student: LayersModel;
  /** Softening temperature T (default 4; 1 imitates the raw probabilities). */
  temperature?: number;
  /** Weight of the hard (label) loss; 1 - alpha weighs the soft one (default 0.1, as in the Keras example). */
  alpha?: number;
  /** Optimizer for the student (default 'adam'); passed to compile. */
  optimizer?: ModelCompileArgs['optimizer'];
  /** Whether the teacher outputs logits (default: probabilities, i.e. it ends in softmax). */
  teacherFromLogits?: boolean;
  /** Whether the student outputs logits (default: probabilities). */
  studentFromLogits?: boolean;
}

const EPS = 1e-7;

function logits(p: Tensor, fromLogits: boolean): Tensor {
  // log p is a logit vector of softmax p (up to a constant that softmax ignores).
  return fromLogits ? p : wm.log(wm.clipByValue(p, EPS, 1));
}

/** The per-sample distillation loss on [labels one-hot | teacher soft targets] and the student's outputs. */
export function distillationLoss(temperature: number, alpha: number, studentFromLogits: boolean) {
  return function distillation(yTrue: Tensor, yPred: Tensor): Tensor {
    const c = yPred.shape[yPred.rank - 1]!;
    const hard = wm.slice(yTrue, [0, 0], [-1, c]);
    const soft = wm.slice(yTrue, [0, c], [-1, c]);
    const z = logits(yPred, studentFromLogits);
    const hardLoss = wm.neg(wm.sum(wm.mul(hard, wm.logSoftmax(z)), -1));
    const logQ = wm.logSoftmax(wm.div(z, temperature));
    const kl = wm.sum(wm.mul(soft, wm.sub(wm.log(wm.add(soft, EPS)), logQ)), -1);
    return wm.add(wm.mul(hardLoss, alpha), wm.mul(kl, (1 - alpha) * temperature * temperature));
  };
}

/**
 * Trains `student` on x and labels y (int32 class ids [n] or one-hot [n, c])
 * against `teacher`'s softened outputs; `fitArgs` go to the student's fit
 * (epochs, batchSize, callbacks, seed...). The student is compiled with the
 * distillation loss (recompile it for other uses). Throws before training when
 * the two models' output shapes differ or the options are out of range.
 */
export async function distill(x: Tensor, y: Tensor, opts: DistillOptions & ModelFitArgs): Promise<History> {
  const op = 'distill';
  const {
    teacher,
    student,
    temperature = 4,
    alpha = 0.1,
    optimizer = 'adam',
    teacherFromLogits = false,
    studentFromLogits = false,
    ...fitArgs
  } = opts;
  if (!teacher || !student) throw new Error(`${op}: both teacher and student models are required`);
  const ts = teacher.outputShape,
    ss = student.outputShape;
  if (JSON.stringify(ts) !== JSON.stringify(ss) || !Array.isArray(ts) || ts.length !== 2 || typeof ts[1] !== 'number') {
    throw new Error(
      `${op}: teacher ${teacher.name} and student ${student.name} must have the same [batch, classes] output shape, got [${ts}] and [${ss}]`,
    );
  }
  if (!(temperature > 0)) throw new RangeError(`${op}: temperature must be > 0, got ${temperature}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`${op}: alpha must be in [0, 1], got ${alpha}`);
  const c = ts[1] as number;
  if (x.shape[0] !== y.shape[0]) throw new Error(`${op}: x has ${x.shape[0]} samples, y ${y.shape[0]}`);
  const targets = wm.tidy(() => {
    const t = teacher.predict(x, { batchSize: 256 }) as Tensor;
    const soft = wm.softmax(wm.div(logits(t, teacherFromLogits), temperature));
    const hard = y.rank === 1 ? wm.oneHot(wm.cast(y, 'int32'), c, 1, 0, 'float32') : wm.cast(y, 'float32');
    if (hard.shape[1] !== c) throw new Error(`${op}: one-hot labels must have ${c} columns, got [${y.shape}]`);
    return wm.concat([hard, soft], 1);
  });
  try {
    student.compile({ optimizer, loss: distillationLoss(temperature, alpha, studentFromLogits) });
    return await student.fit(x, targets, fitArgs);
  } finally {
    targets.dispose();
  }
}
