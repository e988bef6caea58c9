// The functional graph the token models share: int32 ids [batch, T] through an
// embedding, each block in turn, and a head (GPT's logits, BERT's pooler).
import { input, type Layer, type SymbolicTensor } from '@wasmml/layers';

/** The inputs and outputs of a token model built from `embedding`, `blocks` and `head`, for `LayersModel`'s constructor. */
export function tokenStack(embedding: Layer, blocks: readonly Layer[], head: Layer): { inputs: SymbolicTensor; outputs: SymbolicTensor } {
  const ids = input({ shape: [null], dtype: 'int32' });
  let x = embedding.apply(ids) as SymbolicTensor;
  for (const b of blocks) x = b.apply(x) as SymbolicTensor;
  return { inputs: ids, outputs: head.apply(x) as SymbolicTensor };
}
