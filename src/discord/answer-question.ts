/**
 * The one answering path of the Discord layer: `/ask` and @mentions (and follow-ups) hand their
 * question here with who asked and how to deliver, and this does what every question goes through —
 * acceptance (not while stopping), the cooldown, a place in the queue, the answer, the refund when no
 * answer reached the asker, the metrics and the log line. The front ends only say how to talk to
 * Discord: defer then edit for a slash command; typing, then a reply or a thread for a mention.
 *
 * A follow-up (a reply to one of the bot's answers, a message in its thread) comes with the earlier
 * questions of its conversation: it is read with them (src/answer/follow-up.ts), and every answer is
 * remembered under the messages (and thread) it was sent in, for the next follow-up (conversations.ts).
 *
 * Preconditions other than the cooldown (the guild allow-list) stay with the front ends
 * (src/discord/preconditions), as do the checks that come before a question (a bare mention's help).
 */
import type { AskOptions } from '../answer/engine.js';
import { resolveFollowUp, type EarlierTurn, type FollowUpSearch } from '../answer/follow-up.js';
import type { Answer } from '../answer/types.js';
import { feedbackRowFor } from './answering.js';
import type { BotContext } from './context.js';
import { secondsSince, type QuestionVia } from './metrics.js';
import { BUSY_MESSAGE, cooldownMessage, STOPPING_MESSAGE } from './render/notices.js';
import { answerPayload, type ReplyPayload } from './render/reply.js';

/** How a front end talks to Discord for one question. */
export interface AnswerDelivery {
  /** Tells the asker at once that the question will not be answered (busy, stopping, cooldown). */
  refuse(text: string): Promise<void>;
  /**
   * Gets ready to answer once a place in the queue is held: defers the interaction, or starts a
   * thread and "typing…". A failure here gives the place and the cooldown back.
   */
  prepare(): Promise<void>;
  /**
   * Sends the answer (edits the deferred reply, replies, or posts in the thread) and returns the ids
   * a follow-up may point at: the message sent, and the thread it is in (none for a private answer).
   */
  send(payload: ReplyPayload): Promise<readonly string[]>;
  /** Called when the question is over, whatever happened (stops "typing…"). */
  finish?(): void;
}

export interface QuestionRequest {
  /** The question as asked. */
  question: string;
  /** Who asked (for the cooldown and the log). */
  userId: string;
  /** The server it was asked in (its own cooldown applies), undefined in DMs. */
  guildId: string | undefined;
  via: QuestionVia;
  /**
   * Whether the asker's cooldown has already been started (by the command's cooldown precondition);
   * otherwise it is taken here, after the bot has checked it is accepting questions.
   */
  cooldownTaken: boolean;
  delivery: AnswerDelivery;
  /** Only these articles may be searched (`/ask`'s since/outlet/article); all when undefined. */
  articles?: readonly string[];
  /** The earlier questions of the conversation this one follows up (oldest first); none for a new one. */
  earlier?: readonly EarlierTurn[];
  /** Fields added to the "answered" log line, read once the answer is sent. */
  logFields?: () => Record<string, unknown>;
}

/** What became of a question that did not throw. */
export type QuestionResult =
  | { outcome: 'answered' | 'declined'; answer: Answer; read: FollowUpSearch }
  | { outcome: 'busy' | 'stopping' | 'cooldown' };

/** The "answered" log line of each front end (kept as they were). */
const ANSWERED_LOG: Record<QuestionVia, string> = { slash: 'answered /ask', mention: 'answered mention' };

/**
 * Answers one question through `delivery`. Refusals (stopping, cooldown, busy) are told to the asker
 * and returned; an error (the answer could not be made or sent) is counted, the asker's cooldown given
 * back so that they may ask again at once, and rethrown for the front end to report.
 */
export async function answerQuestion(ctx: BotContext, request: QuestionRequest): Promise<QuestionResult> {
  const arrived = performance.now();
  const { userId, via, delivery } = request;
  const refund = (): void => {
    if (request.cooldownTaken) ctx.cooldowns.refund(userId);
  };

  if (!ctx.accepting()) {
    refund();
    ctx.logger.info({ user: userId, via }, 'question turned away: stopping');
    ctx.metrics.question('busy', via);
    await delivery.refuse(STOPPING_MESSAGE);
    return { outcome: 'stopping' };
  }
  let taken = request.cooldownTaken;
  if (!taken) {
    const wait = ctx.cooldowns.take(userId, ctx.settings.for(request.guildId).cooldownSeconds);
    if (wait > 0) {
      await delivery.refuse(cooldownMessage(wait));
      return { outcome: 'cooldown' };
    }
    taken = true;
  }
  const giveBack = (): void => {
    if (taken) ctx.cooldowns.refund(userId);
  };
  const ticket = ctx.queue.reserve();
  if (!ticket) {
    giveBack();
    ctx.logger.info({ user: userId, via, active: ctx.queue.active, pending: ctx.queue.pending }, 'question turned away: busy');
    ctx.metrics.question('busy', via);
    await delivery.refuse(BUSY_MESSAGE);
    return { outcome: 'busy' };
  }

  try {
    try {
      await delivery.prepare();
    } catch (error) {
      ticket.cancel();
      throw error;
    }
    const earlier = request.earlier ?? [];
    const read = resolveFollowUp(request.question, earlier);
    const options: AskOptions = {};
    if (read.preferArticles.length > 0) options.preferArticles = read.preferArticles;
    if (request.articles !== undefined) options.articles = request.articles;
    const answer = await ticket.run(() => (Object.keys(options).length > 0 ? ctx.library.ask(read.search, options) : ctx.library.ask(read.search)));
    const sentAs = await delivery.send(answerPayload(answer, feedbackRowFor(ctx)));
    const outcome = answer.answered ? 'answered' : 'declined';
    ctx.metrics.question(outcome, via, secondsSince(arrived));
    if (sentAs.length > 0) ctx.conversations.remember(sentAs, [...earlier, turnOf(request.question, read, answer)]);
    const followUp = earlier.length > 0 ? { followUp: read.reading, turns: earlier.length + 1 } : {};
    ctx.logger.info(
      { user: userId, answered: answer.answered, quotes: answer.quotes.length, ms: answer.timings.totalMs, ...followUp, ...request.logFields?.() },
      ANSWERED_LOG[via],
    );
    return { outcome, answer, read };
  } catch (error) {
    // No answer reached the asker (discord.js has already retried the request): they may ask again at once.
    giveBack();
    ctx.metrics.question('error', via);
    throw error;
  } finally {
    delivery.finish?.();
  }
}

/** The question as a turn of its conversation: what was asked and searched, and the articles its answer cited. */
function turnOf(question: string, read: FollowUpSearch, answer: Answer): EarlierTurn {
  const turn: EarlierTurn = { question, articleIds: answer.answered ? answer.sources.map((source) => source.id) : [] };
  if (read.search !== question) turn.searched = read.search;
  return turn;
}
