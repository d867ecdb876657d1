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
