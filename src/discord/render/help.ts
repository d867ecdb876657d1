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
    '`/sources` — list the indexed articles',
    '`/source id:<article>` — show one article’s details and opening lines',
    '`/reindex` — re-read the corpus and update the index (Manage Server or maintainers)',
    '`/help` — this message',
    '',
    'Under each answer, 👍 / 👎 tell the maintainers whether it helped.',
  ];
  return { title: 'Verbatim — quotes from the news corpus', description: lines.join('\n'), color: COLORS.info };
}
