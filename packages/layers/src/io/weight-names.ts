// The names weights are saved under. Mostly LayerWeight.originalName
// (`<layer>/<weight>`); a Bidirectional layer's weights follow tfjs's
// `<bidirectional>/forward_<inner>/<weight>` and `.../backward_<inner>/<weight>`.
import type { Layer, LayerWeight } from '../layer.js';
import { Bidirectional } from '../layers/recurrent.js';
import { isModel } from './topology.js';

/** A model weight and the names it may be stored under, the one we write first. */
export interface SavedWeight {
  weight: LayerWeight;
  names: string[];
}

function forLayer(l: Layer, out: SavedWeight[]): void {
  if (isModel(l)) {
    for (const inner of l.layers) forLayer(inner, out);
    return;
  }
  if (l instanceof Bidirectional) {
    const inner = l.forward.name;
    for (const [dir, sub] of [
      ['forward', l.forward],
      ['backward', l.backward],
    ] as const) {
      for (const w of sub.namedWeights) {
        const short = w.originalName.slice(sub.name.length + 1);
        out.push({ weight: w, names: [`${l.name}/${dir}_${inner}/${short}`, w.originalName] });
      }
    }
    return;
  }
  for (const w of l.namedWeights) out.push({ weight: w, names: [w.originalName] });
}

/** Every weight of the model with its saved names, in model order. */
export function savedWeights(model: Layer): SavedWeight[] {
  const out: SavedWeight[] = [];
  forLayer(model, out);
  return out;
}
