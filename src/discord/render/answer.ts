/**
 * An Answer as a Discord embed: the question as the title, the verbatim quotes as block quotes each
 * followed by the [n] of its source, the numbered sources as fields, the timing in the footer. A
 * refusal is a "Not in the corpus" embed with the nearest sources.
 *
 * The text is budgeted so that the embed is always within Discord's limits: sources first (they are
 * short and each is capped), then the quotes get what is left of the 4096/6000 characters; a quote
 * that does not fit is cut at a sentence or line boundary with an ellipsis, and a note says so.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Answer, Quote } from '../../answer/types.js';
import { enforceEmbedLimits, fitRendered, LIMITS } from './limits.js';
import { safeText } from './sanitize.js';
import { sourceField } from './source-field.js';

/** Embed colours. */
export const COLORS = { answer: 0x2f9e44, refusal: 0x868e96, info: 0x1c7ed6, warning: 0xf08c00, error: 0xe03131 } as const;

/** The title of a refusal embed. */
export const NOT_IN_CORPUS_TITLE = 'Not in the corpus';

/** At most this many sources are listed as fields; more are counted in the footer. */
export const MAX_SOURCE_FIELDS = 10;

/** Put after the quotes when some had to be cut or left out. */
const TRIMMED_NOTE = '*Trimmed to fit Discord’s limits.*';

export interface RenderAnswerOptions {
  /** Show the index generation in the footer (default true). */
  showGeneration?: boolean;
}

/** Renders an answer or a refusal as one embed within every Discord limit. */
export function renderAnswer(answer: Answer, options: RenderAnswerOptions = {}): APIEmbed {
  const sources = answer.sources.slice(0, MAX_SOURCE_FIELDS).map(sourceField);
  const more = answer.sources.length - sources.length;
  const footer = footerText(answer, more, options.showGeneration ?? true);
  if (!answer.answered) return enforceEmbedLimits(renderRefusal(answer, sources, footer));

  const title = fitRendered(oneLine(answer.question) || 'Your question', LIMITS.embedTitle, safeText).text;
  const fields = fitFields(sources, title.length + footer.length);
  const used = title.length + footer.length + fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const budget = Math.min(LIMITS.embedDescription, LIMITS.embedTotal - used);
  const embed: APIEmbed = {
    title,
    description: renderQuotes(answer.quotes, budget),
    color: COLORS.answer,
    footer: { text: footer },
  };
  if (fields.length > 0) embed.fields = fields;
  return enforceEmbedLimits(embed);
}

function renderRefusal(answer: Answer, sources: APIEmbedField[], footer: string): APIEmbed {
  const reason = answer.refusal?.reason ?? 'not-in-corpus';
  let message = answer.refusal?.message ?? 'The articles do not answer that.';
  if (sources.length === 0) message = message.replace(/\s*These are the nearest sources:\s*$/, '');
  const asked = oneLine(answer.question);
  const lead = asked.length > 0 ? `**You asked:** ${fitRendered(asked, 600, safeText).text}\n\n` : '';
  const fields = fitFields(sources, NOT_IN_CORPUS_TITLE.length + footer.length + lead.length + message.length);
  const embed: APIEmbed = {
    title: reason === 'not-in-corpus' ? NOT_IN_CORPUS_TITLE : 'Ask a question about the articles',
    description: `${lead}${safeText(message)}`,
    color: COLORS.refusal,
    footer: { text: footer },
  };
  if (fields.length > 0) embed.fields = fields;
  return embed;
}

/** The quotes as block quotes, each followed by its [n], within `budget` characters. */
export function renderQuotes(quotes: readonly Quote[], budget: number): string {
  const blocks = quotes.map((quote) => quoteBlock(quote.text, quote.source));
  const whole = blocks.join('\n\n');
  if (whole.length <= budget) return whole.length > 0 ? whole : '*No quotes.*';

  const note = `\n\n${TRIMMED_NOTE}`;
  const room = budget - note.length;
  const kept: string[] = [];
  let used = 0;
  for (const [i, quote] of quotes.entries()) {
    const block = blocks[i] as string;
    const separator = kept.length > 0 ? 2 : 0;
    if (used + separator + block.length <= room) {
      kept.push(block);
      used += separator + block.length;
      continue;
    }
    // A cut quote is only worth showing if a useful part of it fits.
    const left = room - used - separator;
    if (left >= 120 || kept.length === 0) {
      const cut = cutQuoteBlock(quote.text, quote.source, left);
      if (cut.length > 0) kept.push(cut);
    }
    break;
  }
  return kept.length > 0 ? `${kept.join('\n\n')}${note}` : TRIMMED_NOTE;
}

/** One quote: each line prefixed with `> `, the last followed by ` [n]`. */
export function quoteBlock(text: string, source: number): string {
  const lines = safeText(quoteLines(text)).split('\n');
  return `${lines.map((line) => `> ${line}`).join('\n')} [${source}]`;
}

/** A quote's text with blank lines and the spaces around line breaks removed (block quotes cannot show them). */
function quoteLines(text: string): string {
  const lines = text
    .split(/\n+/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.length > 0 ? lines.join('\n') : '…';
}

/** A quote cut to fit in `room` characters, with the ellipsis inside the quote before its [n]. */
function cutQuoteBlock(text: string, source: number, room: number): string {
  const suffix = ` [${source}]`;
  const fitted = fitRendered(quoteLines(text), Math.max(0, room - suffix.length), (raw) => quoteBlock(raw, source).slice(0, -suffix.length));
  return fitted.text.length > 0 ? `${fitted.text}${suffix}` : '';
}

/** Source fields, dropping from the end any that would leave the quotes less than 1500 characters. */
function fitFields(fields: APIEmbedField[], fixed: number): APIEmbedField[] {
  const out = [...fields];
  const total = (): number => fixed + out.reduce((n, f) => n + f.name.length + f.value.length, 0);
  while (out.length > 0 && total() > LIMITS.embedTotal - 1500) out.pop();
  return out;
}

function footerText(answer: Answer, moreSources: number, showGeneration: boolean): string {
  const parts = [answer.answered ? `Verbatim quotes · answered in ${formatMs(answer.timings.totalMs)}` : `Searched in ${formatMs(answer.timings.totalMs)}`];
  if (moreSources > 0) parts.push(`${moreSources} more source${moreSources === 1 ? '' : 's'} not listed`);
  if (showGeneration && answer.index.generation) parts.push(`index ${answer.index.generation.slice(0, 40)}`);
  return parts.join(' · ');
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
