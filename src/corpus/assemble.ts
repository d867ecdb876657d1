/** Joining cleaned blocks into an article's text, with each block's offsets. */
import type { RawBlock } from './raw-document.js';
import type { Block } from './types.js';

/** Blocks are separated by one blank line. */
export const BLOCK_SEPARATOR = '\n\n';

/**
 * The text of the blocks joined by a blank line, and each block's [start, end) range in it.
 * Blocks with no text are left out.
 */
export function assembleText(rawBlocks: readonly RawBlock[]): { text: string; blocks: Block[] } {
  const blocks: Block[] = [];
  let text = '';
  for (const block of rawBlocks) {
    if (block.text === '') continue;
    if (blocks.length > 0) text += BLOCK_SEPARATOR;
    blocks.push({ kind: block.kind, start: text.length, end: text.length + block.text.length });
    text += block.text;
  }
  return { text, blocks };
}
