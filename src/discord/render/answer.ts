/**
 * An Answer as a Discord embed: the question as the title, the strength label (and any spelling
 * corrections) above the verbatim quotes, the quotes as block quotes each followed by the [n] of its
 * source, the numbered sources as fields, the timing in the footer. A refusal is a "Not in the
 * corpus" embed with the passages that came closest (under a heading saying they do not answer the
 * question) and the nearest sources; a too-vague question gets "Ask about something specific" and a
 * few of the articles the corpus covers.
 *
 * The text is budgeted so that the embed is always within Discord's limits: sources first (they are
 * short and each is capped), then the quotes (or nearest passages) get what is left of the
 * 4096/6000 characters; a quote that does not fit is cut at a sentence or line boundary with an
 * ellipsis, and a note says so.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import {
  CORPUS_COVERS_HEADING,
  introducesList,
  NEAREST_PASSAGES_HEADING,
  NEAREST_SOURCES_HEADING,
  searchedQuestion,
  spellingList,
  STRENGTH_LABELS,
  withoutListLead,
} from '../../answer/strength-labels.js';
import type { Answer, MoreQuotes, Quote, RefusalReason } from '../../answer/types.js';
import { enforceEmbedLimits, fitRendered, LIMITS, truncate } from './limits.js';
import { safeText, safeUrl } from './sanitize.js';
import { sourceField } from './source-field.js';

/** Embed colours. */
export const COLORS = { answer: 0x2f9e44, refusal: 0x868e96, info: 0x1c7ed6, warning: 0xf08c00, error: 0xe03131 } as const;

/** The title of a "not in the corpus" refusal embed. */
export const NOT_IN_CORPUS_TITLE = 'Not in the corpus';

/** The title of a refusal of a question that names nothing specific. */
export const TOO_VAGUE_TITLE = 'Ask about something specific';

/** At most this many sources are listed as fields; more are counted in the footer. */
export const MAX_SOURCE_FIELDS = 10;

/** How long a quote's link may be (a longer one is left out; the source's field still has the URL). */
const LINK_MAX = 600;

/** Put after the quotes when some had to be cut or left out. */
const TRIMMED_NOTE = '*Trimmed to fit Discord’s limits.*';

export interface RenderAnswerOptions {
  /** Show the index generation in the footer (default true). */
  showGeneration?: boolean;
  /** A bold line above the quotes instead of the strength label (e.g. for "Show more"). */
  label?: string;
  /** The footer's text instead of the timing (and generation). */
  footer?: string;
}

/** Renders an answer or a refusal as one embed within every Discord limit. */
export function renderAnswer(answer: Answer, options: RenderAnswerOptions = {}): APIEmbed {
  const sources = answer.sources.slice(0, MAX_SOURCE_FIELDS).map(sourceField);
  const more = answer.sources.length - sources.length;
  const footer = options.footer !== undefined ? truncate(oneLine(options.footer), 200) : footerText(answer, more, options.showGeneration ?? true);
  if (!answer.answered) return enforceEmbedLimits(renderRefusal(answer, sources, footer));

  const title = fitRendered(oneLine(answer.question) || 'Your question', LIMITS.embedTitle, safeText).text;
  const label = options.label ?? (answer.strength !== undefined ? STRENGTH_LABELS[answer.strength] : undefined);
  const header = [label !== undefined ? `**${fitRendered(oneLine(label), 200, safeText).text}**` : '', correctionsNote(answer)]
    .filter((line) => line.length > 0)
    .join('\n');
  const lead = header.length > 0 ? `${header}\n\n` : '';
  const fields = fitFields(sources, title.length + footer.length + lead.length);
  const used = title.length + footer.length + lead.length + fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const budget = Math.min(LIMITS.embedDescription - lead.length, LIMITS.embedTotal - used);
  const embed: APIEmbed = {
    title,
    description: `${lead}${renderQuotes(answer.quotes, budget)}`,
    color: COLORS.answer,
    footer: { text: footer },
  };
  if (fields.length > 0) embed.fields = fields;
  return enforceEmbedLimits(embed);
}

/** The bold line above the quotes that "Show more" shows. */
export const MORE_QUOTES_LABEL = 'More quotes';

/**
 * An answer's further quotes ("Show more") as an embed like the answer's: its question as the title,
 * "More quotes" above them, each followed by its [n] (the answer's numbers: see MoreQuotes), and
 * their sources as fields; within the same limits.
 */
export function renderMoreQuotes(question: string, more: MoreQuotes): APIEmbed {
  const shown = more.quotes.length;
  const answer: Answer = {
    question,
    answered: true,
    quotes: more.quotes,
    sources: more.sources,
    confidence: 0,
    timings: { totalMs: 0, embedMs: 0, searchMs: 0, selectMs: 0 },
    index: { generation: '', builtAt: '' },
  };
  const unlisted = Math.max(0, more.sources.length - MAX_SOURCE_FIELDS);
  const footer = [`Verbatim quotes · the next ${shown === 1 ? 'best quote' : `${shown} best quotes`}`];
  if (unlisted > 0) footer.push(`${unlisted} more source${unlisted === 1 ? '' : 's'} not listed`);
  return renderAnswer(answer, { label: MORE_QUOTES_LABEL, footer: footer.join(' · ') });
}

/** How long a refusal's message may be (the engine's are one or two sentences). */
const MESSAGE_MAX = 1000;

function renderRefusal(answer: Answer, sources: APIEmbedField[], footer: string): APIEmbed {
  const reason = answer.refusal?.reason ?? 'not-in-corpus';
  const nearest = answer.refusal?.nearest ?? [];
  const rawMessage = answer.refusal?.message ?? 'The articles do not answer that.';
  const corrections = correctionsNote(answer);
  // A message that ends by introducing the sources ("These are the nearest sources:") is followed
  // by them directly; when something comes in between, the sources get their own heading, as do the
  // articles listed for a too-vague question; when there are none, it does not promise them.
  const direct = reason !== 'too-vague' && sources.length > 0 && nearest.length === 0 && corrections.length === 0 && introducesList(rawMessage);
  const message = fitRendered(direct ? rawMessage : withoutListLead(rawMessage), MESSAGE_MAX, safeText).text;
  const asked = oneLine(answer.question);
  const lead = asked.length > 0 ? `**You asked:** ${fitRendered(asked, 600, safeText).text}\n\n` : '';
  const head = `${lead}${message}${corrections.length > 0 ? `\n${corrections}` : ''}`;
  const nearestHeading = nearest.length > 0 ? `\n\n**${NEAREST_PASSAGES_HEADING}:**\n` : '';
  const sourcesHeading =
    sources.length > 0 && !direct ? `\n\n**${reason === 'too-vague' ? CORPUS_COVERS_HEADING : NEAREST_SOURCES_HEADING}:**` : '';
  const title = refusalTitle(reason);
  const fixed = head.length + nearestHeading.length + sourcesHeading.length;
  const fields = fitFields(sources, title.length + footer.length + fixed);
  const used = title.length + footer.length + fixed + fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const budget = Math.max(0, Math.min(LIMITS.embedDescription - fixed, LIMITS.embedTotal - used));
  const passages = nearest.length > 0 ? renderQuotes(nearest, budget) : '';
  const embed: APIEmbed = {
    title,
    description: `${head}${nearestHeading}${passages}${fields.length > 0 ? sourcesHeading : ''}`,
    color: COLORS.refusal,
    footer: { text: footer },
  };
  if (fields.length > 0) embed.fields = fields;
  return embed;
}

function refusalTitle(reason: RefusalReason): string {
  if (reason === 'not-in-corpus') return NOT_IN_CORPUS_TITLE;
  if (reason === 'too-vague') return TOO_VAGUE_TITLE;
  return 'Ask a question about the articles';
}

/** How long the question may be in the "Searched for" note. */
const SEARCHED_MAX = 300;

/** "*Searched for: How did Trump … (spelling: trum → trump)*", or '' when nothing was corrected. */
function correctionsNote(answer: Answer): string {
  const corrections = answer.corrections ?? [];
  if (corrections.length === 0) return '';
  const searched = fitRendered(oneLine(searchedQuestion(answer.question, corrections)), SEARCHED_MAX, safeText).text;
  const spelling = fitRendered(oneLine(spellingList(corrections)), SEARCHED_MAX, safeText).text;
  return `*Searched for: ${searched} (spelling: ${spelling})*`;
}

/** What a block quote shows of a quote or nearest passage. */
type QuotedText = Pick<Quote, 'text' | 'source' | 'link'>;

/**
 * The quotes (or nearest passages) as block quotes, each followed by its [n] — a link that opens the
 * article's page at the quote when it has one — within `budget` characters.
 */
export function renderQuotes(quotes: readonly QuotedText[], budget: number): string {
  // Escaping never makes text shorter, so a quote whose lines alone are over the budget cannot fit
  // whole: it is not escaped whole (escaping a long text is slow, worse than linear).
  const blocks = quotes.map((quote) => (quoteLines(quote.text).length <= budget ? quoteBlock(quote) : undefined));
  if (blocks.every((block) => block !== undefined)) {
    const whole = blocks.join('\n\n');
    if (whole.length <= budget) return whole.length > 0 ? whole : '*No quotes.*';
  }

  const note = `\n\n${TRIMMED_NOTE}`;
  const room = budget - note.length;
  const kept: string[] = [];
  let used = 0;
  for (const [i, quote] of quotes.entries()) {
    const block = blocks[i];
    const separator = kept.length > 0 ? 2 : 0;
    if (block !== undefined && used + separator + block.length <= room) {
      kept.push(block);
      used += separator + block.length;
      continue;
    }
    // A cut quote is only worth showing if a useful part of it fits.
    const left = room - used - separator;
    if (left >= 120 || kept.length === 0) {
      const cut = cutQuoteBlock(quote, left);
      if (cut.length > 0) kept.push(cut);
    }
    break;
  }
  return kept.length > 0 ? `${kept.join('\n\n')}${note}` : TRIMMED_NOTE;
}

/** One quote: each line prefixed with `> `, the last followed by ` [n]` (linked to the quote in its page, if it has a link). */
export function quoteBlock(quote: QuotedText): string {
  return `${quotedLines(quoteLines(quote.text))}${sourceMark(quote)}`;
}

function quotedLines(text: string): string {
  return safeText(text)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** ` [n]`, or ` [[n]](<link>)` — Markdown's link, with the URL in angle brackets so that Discord shows no preview. */
function sourceMark(quote: QuotedText): string {
  const link = safeUrl(quote.link, LINK_MAX);
  return link === undefined ? ` [${quote.source}]` : ` [[${quote.source}]](<${link}>)`;
}

/** A quote's text with blank lines and the spaces around line breaks removed (block quotes cannot show them). */
function quoteLines(text: string): string {
  const lines = text
    .split(/\n+/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.length > 0 ? lines.join('\n') : '…';
}

/**
 * A quote cut to fit in `room` characters, with the ellipsis inside the quote before its [n]. The link
 * still opens the page at the whole quote (the browser highlights all of it).
 */
function cutQuoteBlock(quote: QuotedText, room: number): string {
  const suffix = sourceMark(quote);
  const fitted = fitRendered(quoteLines(quote.text), Math.max(0, room - suffix.length), (raw) => quotedLines(quoteLines(raw)));
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
