/**
 * MessageCreate: answers messages that @mention the bot. Shows "typing…" while it works, then replies
 * to the message (reply mode `reply`) or starts a thread from it and answers there (`thread`): the
 * server's setting (/settings), else MENTION_REPLY_MODE. A server may list the channels it answers
 * mentions in (/settings channels); elsewhere mentions are ignored (logged).
 * A mention inside a thread the bot started is answered in that thread. A bare mention gets the help.
 *
 * A reply to one of the bot's answers (a reply that pings the bot is a mention), or a mention in a thread
 * it answers in, is a follow-up: it is answered with the earlier questions of that conversation (see
 * answer-question.ts). With THREAD_FOLLOW_UPS=all every message in the bot's own threads is answered.
 */
import { ChannelType, Events, ThreadAutoArchiveDuration, type Message, type SendableChannels } from 'discord.js';
import { answerQuestion } from '../answer-question.js';
import type { BotContext } from '../context.js';
import type { EarlierTurn } from '../../answer/follow-up.js';
import { mentionQuestion, threadName } from '../mention.js';
import { permissionProblem } from '../permissions.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { actorOfMessage, runPreconditions } from '../preconditions/types.js';
import { renderHelp } from '../render/help.js';
import { answersMentionsIn } from '../server-settings.js';
import { ERROR_MESSAGE } from '../render/notices.js';
import { embedPayload, notice, type ReplyPayload } from '../render/reply.js';
import type { BotEvent } from './types.js';

/** Discord shows "typing…" for about 10 s; it is renewed this often while an answer is worked on. */
const TYPING_RENEW_MS = 8000;

export const messageCreate: BotEvent<Events.MessageCreate> = {
  name: Events.MessageCreate,
  async execute(ctx, message) {
    if (message.author.bot || message.system || message.webhookId !== null) return;
    const question = questionIn(message, ctx);
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

/**
 * The question a message asks the bot, or undefined when it is not addressed to it: a message that
 * mentions it (in the text, or a reply that pings it), and with THREAD_FOLLOW_UPS=all any message in
 * one of its own threads (Discord delivers their text only with the MessageContent intent).
 */
function questionIn(message: Message, ctx: BotContext): string | undefined {
  const me = message.client.user;
  const botRole = message.guild?.members.me?.roles.botRole;
  const mentioned = mentionQuestion(message.content, me.id, botRole ? [botRole.id] : []);
  if (mentioned !== undefined) return mentioned;
  const asText = message.content.replace(/\s+/g, ' ').trim();
  // A reply that pings the bot mentions it without the mention in its text.
  if (message.reference !== null && message.mentions.users.has(me.id)) return asText;
  if (ctx.config.threadFollowUps === 'all' && asText.length > 0 && isBotThread(message, ctx)) return asText;
  return undefined;
}

/** Whether the message is in a thread the bot started (or answers in). */
function isBotThread(message: Message, ctx: BotContext): boolean {
  const channel = message.channel;
  return channel.isThread() && (channel.ownerId === message.client.user.id || ctx.conversations.has(channel.id));
}

/**
 * The earlier questions of the conversation a message follows up: those of the bot answer it replies
 * to, else those of the thread it is in (undefined when the bot remembers none).
 */
function earlierTurns(message: Message, ctx: BotContext): readonly EarlierTurn[] | undefined {
  const repliedTo = message.reference?.messageId;
  const byReply = repliedTo === undefined ? undefined : ctx.conversations.get(repliedTo);
  if (byReply) return byReply;
  return message.channel.isThread() ? ctx.conversations.get(message.channelId) : undefined;
}

async function answerMention(message: Message, question: string, ctx: BotContext): Promise<void> {
  const actor = actorOfMessage(message);
  const allowed = runPreconditions([guildAllowlist], actor, ctx);
  if (!allowed.ok) {
    ctx.logger.info({ guild: message.guildId, user: actor.userId }, 'mention ignored: guild not allowed');
    return;
  }
  const settings = ctx.settings.for(actor.guildId);
  const channel = message.channel;
  if (!answersMentionsIn(settings, message.channelId, channel.isThread() ? channel.parentId : undefined)) {
    ctx.logger.info({ guild: message.guildId, channel: message.channelId, user: actor.userId }, 'mention ignored: not one of the channels this server answers in (/settings)');
    return;
  }
  if (question.length === 0) {
    await message.reply(embedPayload([renderHelp({ mention: `<@${message.client.user.id}>`, articles: ctx.library.articles().length })]));
    return;
  }

  let send: (payload: ReplyPayload) => Promise<Message> = (payload) => message.reply(payload);
  let typingIn: SendableChannels | undefined;
  let stopTyping = (): void => undefined;
  await answerQuestion(ctx, {
    question,
    userId: actor.userId,
    guildId: actor.guildId,
    via: 'mention',
    cooldownTaken: false,
    earlier: earlierTurns(message, ctx) ?? [],
    delivery: {
      refuse: async (text) => {
        await message.reply(notice(text));
      },
      prepare: async () => {
        const thread = settings.replyMode === 'thread' ? await openThread(message, question, ctx) : undefined;
        if (thread) {
          send = (payload) => thread.send(payload);
          typingIn = thread;
        } else {
          typingIn = message.channel.isSendable() ? message.channel : undefined;
        }
        if (typingIn) stopTyping = keepTyping(typingIn, ctx);
      },
      send: async (payload) => {
        const sent = await send(payload);
        // A reply to this answer, or a message in its thread, follows it up.
        return sent.channel.isThread() ? [sent.id, sent.channelId] : [sent.id];
      },
      finish: () => stopTyping(),
    },
    logFields: () => ({ mode: modeOf(typingIn) }),
  });
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
