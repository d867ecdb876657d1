/** A slash command module (the type lives in context.ts, beside the context it is given). */
export type { SlashCommand } from '../context.js';
