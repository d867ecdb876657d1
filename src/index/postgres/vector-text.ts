/**
 * Vectors as pgvector's text form (`[0.1,-0.2,…]`): how they go to and come from the server. A
 * `vector` column holds float4, whose text output is the shortest form that reads back to the same
 * float4, so a vector read back is the Float32Array that was written.
 */
import { IndexError } from '../../core/errors.js';

/** `[x1,x2,…]` of a vector's values. */
export function vectorLiteral(vector: ArrayLike<number>): string {
  let out = '[';
  for (let i = 0; i < vector.length; i++) out += (i === 0 ? '' : ',') + String(vector[i]);
  return `${out}]`;
}

/** A vector's text form back as a Float32Array of `dimensions` values. */
export function parseVector(text: string, dimensions: number): Float32Array {
  const inner = text.length >= 2 && text[0] === '[' && text[text.length - 1] === ']' ? text.slice(1, -1) : undefined;
  const parts = inner === undefined || inner.length === 0 ? [] : inner.split(',');
  if (parts.length !== dimensions) throw new IndexError(`A vector from PostgreSQL has ${parts.length} values; ${dimensions} expected.`);
  const out = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) out[i] = Number(parts[i]);
  return out;
}
