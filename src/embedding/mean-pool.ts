/**
 * Mean pooling over the token vectors a sentence-transformer outputs, then L2 normalisation:
 * the sentence embedding all-MiniLM-L6-v2 was trained to produce.
 */

/**
 * @param hidden  last_hidden_state, row-major [batch, tokens, dims]
 * @param lengths how many leading tokens of each row are real (the rest is padding)
 */
export function meanPoolNormalized(
  hidden: Float32Array,
  lengths: readonly number[],
  tokens: number,
  dims: number,
): Float32Array[] {
  return lengths.map((length, row) => {
    const out = new Float32Array(dims);
    const rowStart = row * tokens * dims;
    for (let t = 0; t < length; t++) {
      const offset = rowStart + t * dims;
      for (let d = 0; d < dims; d++) out[d]! += hidden[offset + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      out[d]! /= length;
      norm += out[d]! * out[d]!;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dims; d++) out[d]! *= scale;
    return out;
  });
}

/**
 * The normalised mean of token vectors [from, to) of `hidden` (row-major token vectors of `dims`,
 * batch rows concatenated): one span's vector from a pass over a longer text.
 */
export function poolRange(hidden: Float32Array, from: number, to: number, dims: number): Float32Array {
  const out = new Float32Array(dims);
  for (let t = from; t < to; t++) {
    const offset = t * dims;
    for (let d = 0; d < dims; d++) out[d]! += hidden[offset + d]!;
  }
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += out[d]! * out[d]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < dims; d++) out[d]! *= scale;
  return out;
}
