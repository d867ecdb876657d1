/**
 * MessageCreate: answers messages that @mention the bot. Shows "typing…" while it works, then replies
 * to the message (MENTION_REPLY_MODE=reply) or starts a thread from it and answers there (thread).
 * A mention inside a thread the bot started is answered in that thread. A bare mention gets the help.
 */
import { ChannelType, Events, ThreadAutoArchiveDuration, type Message, type SendableChannels } from 'discord.js';
import { feedbackRowFor } from '../answering.js';
import type { BotContext } from '../context.js';
import { mentionQuestion, threadName } from '../mention.js';
import { secondsSince } from '../metrics.js';
import { permissionProblem } from '../permissions.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { actorOfMessage, runPreconditions } from '../preconditions/types.js';
import { renderHelp } from '../render/help.js';
import { BUSY_MESSAGE, cooldownMessage, ERROR_MESSAGE, STOPPING_MESSAGE } from '../render/notices.js';
import { answerPayload, embedPayload, notice, type ReplyPayload } from '../render/reply.js';
import type { BotEvent } from './types.js';

/** Discord shows "typing…" for about 10 s; it is renewed this often while an answer is worked on. */
const TYPING_RENEW_MS = 8000;

export const messageCreate: BotEvent<Events.MessageCreate> = {
  name: Events.MessageCreate,
  async execute(ctx, message) {
    if (message.author.bot || message.system || message.webhookId !== null) return;
    const me = message.client.user;
    const botRole = message.guild?.members.me?.roles.botRole;
    const question = mentionQuestion(message.content, me.id, botRole ? [botRole.id] : []);
    if (question === undefined) return;
    try {
      await answerMention(message, question, ctx);
    } catch (error) {
      const problem = permissionProblem(error);
      if (problem !== undefined) {
        // Telling the user would be refused the same way: one line for the operator instead.
        ctx.logger.warn(
          { guild: message.guildId, channel: message.channelId, user: message.author.id },
          `cannot answer a mention in channel ${message.channelId}: ${problem}; give the bot View Channels, Send Messages, Embed Links and Read Message History there`,
        );
        ctx.logger.debug({ err: error }, 'mention answer refused');
        return;
      }
      ctx.logger.error({ err: error, user: message.author.id, guild: message.guildId, channel: message.channelId }, 'mention handler failed');
      await message.reply(notice(ERROR_MESSAGE)).catch((replyError: unknown) => {
        ctx.logger.warn({ err: replyError }, 'could not tell the user that handling failed');
      });
    }
  },
};

async function answerMention(message: Message, question: string, ctx: BotContext): Promise<void> {
  const arrived = performance.now();
  const actor = actorOfMessage(message);
  const allowed = runPreconditions([guildAllowlist], actor, ctx);
  if (!allowed.ok) {
    ctx.logger.info({ guild: message.guildId, user: actor.userId }, 'mention ignored: guild not allowed');
    return;
  }
  if (question.length === 0) {
    await message.reply(embedPayload([renderHelp({ mention: `<@${message.client.user.id}>`, articles: ctx.library.articles().length })]));
    return;
  }
  if (!ctx.accepting()) {
    ctx.metrics.question('busy', 'mention');
    await message.reply(notice(STOPPING_MESSAGE));
    return;
  }
  const wait = ctx.cooldowns.take(actor.userId);
  if (wait > 0) {
    await message.reply(notice(cooldownMessage(wait)));
    return;
  }
  const ticket = ctx.queue.reserve();
  if (!ticket) {
    ctx.cooldowns.refund(actor.userId);
    ctx.logger.info({ user: actor.userId, active: ctx.queue.active, pending: ctx.queue.pending }, 'mention turned away: busy');
    ctx.metrics.question('busy', 'mention');
    await message.reply(notice(BUSY_MESSAGE));
    return;
  }

  let send: (payload: ReplyPayload) => Promise<unknown>;
  let typingIn: SendableChannels | undefined;
  try {
    const thread = ctx.config.mentionReplyMode === 'thread' ? await openThread(message, question, ctx) : undefined;
    if (thread) {
      send = (payload) => thread.send(payload);
      typingIn = thread;
    } else {
      send = (payload) => message.reply(payload);
      typingIn = message.channel.isSendable() ? message.channel : undefined;
    }
  } catch (error) {
    ticket.cancel();
    ctx.cooldowns.refund(actor.userId);
    ctx.metrics.question('error', 'mention');
    throw error;
  }

  const stopTyping = typingIn ? keepTyping(typingIn, ctx) : () => undefined;
  try {
    const answer = await ticket.run(() => ctx.library.ask(question));
    await send(answerPayload(answer, feedbackRowFor(ctx)));
    ctx.metrics.question(answer.answered ? 'answered' : 'declined', 'mention', secondsSince(arrived));
    ctx.logger.info(
      { user: actor.userId, answered: answer.answered, quotes: answer.quotes.length, ms: answer.timings.totalMs, mode: modeOf(typingIn) },
      'answered mention',
    );
  } catch (error) {
    ctx.cooldowns.refund(actor.userId);
    ctx.metrics.question('error', 'mention');
    throw error;
  } finally {
    stopTyping();
  }
}

function modeOf(channel: SendableChannels | undefined): string {
  return channel?.isThread() ? 'thread' : 'reply';
}

/**
 * Starts a thread from the message for the answer, or returns undefined to answer with a reply: when
 * the message is already in a thread (answered there), or is not in a guild text or announcement
 * channel, or the thread cannot be made (missing permission; logged).
 */
async function openThread(message: Message, question: string, ctx: BotContext) {
  if (!message.inGuild()) return undefined;
  const type = message.channel.type;
  if (type !== ChannelType.GuildText && type !== ChannelType.GuildAnnouncement) return undefined;
  try {
    return await message.startThread({ name: threadName(question), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
  } catch (error) {
    const problem = permissionProblem(error);
    if (problem !== undefined) ctx.logger.warn({ channel: message.channelId }, `could not start a thread (${problem}: Create Public Threads); replying instead`);
    else ctx.logger.warn({ err: error, channel: message.channelId }, 'could not start a thread; replying instead');
    return undefined;
  }
}

/** Shows "typing…" in the channel until the returned function is called. */
function keepTyping(channel: SendableChannels, ctx: BotContext): () => void {
  const tick = (): void => {
    channel.sendTyping().catch((error: unknown) => ctx.logger.debug({ err: error }, 'typing indicator failed'));
  };
  tick();
  const timer = setInterval(tick, TYPING_RENEW_MS);
  timer.unref();
  return () => clearInterval(timer);
}
