/**
 * `/ask question:<text> [public:<bool>] [since:<date>] [outlet:<name>] [article:<id>]`: defers at once
 * (ephemerally unless public, or the server's default — /settings, else ASK_PUBLIC_DEFAULT), then edits
 * the deferred reply with the answer. Busy and cooldown refusals are immediate ephemeral replies, so
 * nobody waits on a question that will not be answered.
 *
 * `since`, `outlet` and `article` narrow the search to the articles published on or after a date, from
 * an outlet, or one article (src/answer/article-filter.ts); the answer says what was searched. A filter
 * that leaves no article is refused at once (and the cooldown given back). `outlet` and `article`
 * suggest values as one types.
 */
import { MessageFlags, SlashCommandBuilder, type ApplicationCommandOptionChoiceData } from 'discord.js';
import { filterArticles, isNarrowing, outletsOf, parseSince, type ArticleFilter } from '../../answer/article-filter.js';
import type { ArticleSummary } from '../../answer/article-summary.js';
import { answerQuestion } from '../answer-question.js';
import { cooldown } from '../preconditions/cooldown.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { badSinceMessage, emptyFilterMessage, filterLine } from '../render/article-filter.js';
import { LIMITS, truncate } from '../render/limits.js';
import { ephemeralNotice } from '../render/reply.js';
import { articleChoices } from './source.js';
import type { SlashCommand } from './types.js';

/** The longest question the command accepts (Discord enforces it in the client). */
export const MAX_QUESTION_LENGTH = 500;

export const ask: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask a question about the news articles; the answer quotes them verbatim')
    .addStringOption((option) =>
      option.setName('question').setDescription('Your question').setRequired(true).setMinLength(1).setMaxLength(MAX_QUESTION_LENGTH),
    )
    .addBooleanOption((option) =>
      option.setName('public').setDescription('Show the answer to everyone in the channel (default: only you)'),
    )
    .addStringOption((option) =>
      option.setName('since').setDescription('Only articles published on or after this date, e.g. 2026-11-05 (or 2026-11)').setMaxLength(10),
    )
    .addStringOption((option) => option.setName('outlet').setDescription('Only articles from this outlet').setAutocomplete(true).setMaxLength(100))
    .addStringOption((option) => option.setName('article').setDescription('Only this article (type to search titles)').setAutocomplete(true)),
  preconditions: [guildAllowlist, cooldown],
  async execute(interaction, ctx) {
    const question = interaction.options.getString('question', true);
    const isPublic = interaction.options.getBoolean('public') ?? ctx.settings.for(interaction.guildId).publicDefault;
    const narrowed = narrowing(interaction.options.getString('since'), interaction.options.getString('outlet'), interaction.options.getString('article'), ctx.library.articles());
    if (!narrowed.ok) {
      // Nothing was asked: the cooldown the precondition started is given back.
      ctx.cooldowns.refund(interaction.user.id);
      ctx.logger.info({ user: interaction.user.id, why: narrowed.message }, '/ask refused: its filter leaves nothing to search');
      await interaction.reply(ephemeralNotice(narrowed.message));
      return;
    }
    const { filter, articleIds } = narrowed;
    await answerQuestion(ctx, {
      question,
      userId: interaction.user.id,
      guildId: interaction.guildId ?? undefined,
      via: 'slash',
      // The cooldown precondition has started it.
      cooldownTaken: true,
      ...(articleIds === undefined ? {} : { articles: articleIds }),
      delivery: {
        refuse: async (text) => {
          await interaction.reply(ephemeralNotice(text));
        },
        prepare: async () => {
          await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
        },
        send: async (payload) => {
          const content = articleIds === undefined ? payload.content : filterLine(filter, articleIds.length);
          const message = await interaction.editReply(content === undefined ? payload : { ...payload, content });
          // A public answer can be replied to with a follow-up; a private one cannot.
          return isPublic ? [message.id] : [];
        },
      },
      logFields: () => ({ public: isPublic, ...(articleIds === undefined ? {} : { filter, articles: articleIds.length }) }),
    });
  },
  async autocomplete(interaction, ctx) {
    const focused = interaction.options.getFocused(true);
    const articles = ctx.library.articles();
    if (focused.name === 'outlet') await interaction.respond(outletChoices(articles, focused.value));
    else if (focused.name === 'article') await interaction.respond(articleChoices(articles, focused.value));
    else await interaction.respond([]);
  },
};

type Narrowing = { ok: true; filter: ArticleFilter; articleIds: string[] | undefined } | { ok: false; message: string };

/** The filter the options ask for and the articles it leaves (undefined: no filter), or the refusal to show. */
export function narrowing(since: string | null, outlet: string | null, article: string | null, articles: readonly ArticleSummary[]): Narrowing {
  const filter: ArticleFilter = {};
  if (since !== null && since.trim().length > 0) {
    const day = parseSince(since);
    if (day === undefined) return { ok: false, message: badSinceMessage(since) };
    filter.since = day;
  }
  if (outlet !== null && outlet.trim().length > 0) filter.outlet = outlet.trim();
  if (article !== null && article.trim().length > 0) filter.articleId = article.trim();
  if (!isNarrowing(filter)) return { ok: true, filter, articleIds: undefined };
  const result = filterArticles(articles, filter);
  if (!result.ok) return { ok: false, message: emptyFilterMessage(result.reason, filter) };
  return { ok: true, filter, articleIds: result.articleIds };
}

/** Up to 25 outlets for what was typed: those starting with it first, then those containing it. */
export function outletChoices(articles: readonly ArticleSummary[], typed: string): ApplicationCommandOptionChoiceData<string>[] {
  const query = typed.replace(/\s+/g, ' ').trim().toLowerCase();
  const outlets = outletsOf(articles).filter((outlet) => outlet.length <= LIMITS.choiceValue);
  const starts = outlets.filter((outlet) => outlet.toLowerCase().startsWith(query));
  const contains = outlets.filter((outlet) => !outlet.toLowerCase().startsWith(query) && outlet.toLowerCase().includes(query));
  return [...starts, ...contains].slice(0, LIMITS.choices).map((outlet) => ({ name: truncate(outlet, LIMITS.choiceName), value: outlet }));
}
