/** A button handler (the type lives in context.ts, beside the context it is given). */
export type { ButtonHandler } from '../context.js';
