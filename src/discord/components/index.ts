/** The registry of button handlers. */
import { feedbackDetail } from './feedback-detail.js';
import { feedbackVote } from './feedback-vote.js';
import { showMore } from './show-more.js';
import { sourcesPager } from './sources-pager.js';
import type { ButtonHandler } from './types.js';

export type { ButtonHandler } from './types.js';

/** Every button handler, tried in order. */
export const BUTTON_HANDLERS: readonly ButtonHandler[] = [sourcesPager, feedbackVote, feedbackDetail, showMore];
