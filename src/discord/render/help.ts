/** The help text: what the bot does and how to ask it. */
import type { APIEmbed } from 'discord.js';
import { COLORS } from './answer.js';

/** Renders the help embed. `mention` is how to mention the bot (e.g. `<@123>`), when known. */
export function renderHelp(options: { mention?: string; articles?: number } = {}): APIEmbed {
  const mention = options.mention ?? '@Verbatim';
  const corpus =
    options.articles === undefined ? 'a collection of news articles' : `${options.articles} indexed news article${options.articles === 1 ? '' : 's'}`;
  const lines = [
    `I answer questions about ${corpus} with **verbatim quotes** — never paraphrases — each followed by the [n] of its numbered source. When the articles do not answer a question, I say so and list the nearest sources.`,
    '',
    '**Commands**',
    '`/ask question:<text>` — ask a question (only you see the answer unless you add `public:True`)',
    `${mention} <question> — ask in the channel; I reply to your message`,
    `Reply to one of my answers with ${mention} (or mention me in my thread) to ask a follow-up — "and who is he?", "when?" — read with your earlier question`,
    '`/sources` — list the indexed articles',
    '`/source id:<article>` — show one article’s details and opening lines',
    '`/reindex` — re-read the corpus and update the index (Manage Server or maintainers)',
    '`/settings` — this server’s settings: channels, reply or thread, public or private answers, cooldown (Manage Server or maintainers)',
    '`/help` — this message',
    '',
    'The [n] after a quote opens its article at that sentence when the article has a link. Under each answer, 👍 / 👎 tell the maintainers whether it helped (after 👎 you can say which quote was wrong).',
  ];
  return { title: 'Verbatim — quotes from the news corpus', description: lines.join('\n'), color: COLORS.info };
}
