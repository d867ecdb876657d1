/**
 * Discord's message limits and the trimming that keeps every rendered message within them.
 *
 * Lengths are measured in UTF-16 code units (`string.length`). Discord counts code points, which are
 * never more, so a text that fits by this measure always fits by Discord's. Cuts never split a
 * surrogate pair.
 */
import type { APIEmbed } from 'discord.js';

/** The limits Discord enforces on what the bot sends (a request over any of them is rejected with 400). */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  /** All titles, descriptions, field names and values, footers and author names of a message's embeds. */
  embedTotal: 6000,
  threadName: 100,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  customId: 100,
  buttonLabel: 80,
} as const;

/** The ellipsis put where text was cut. */
export const ELLIPSIS = '…';

/** The length of a text as measured here (see the module comment). */
export function textLength(text: string): number {
  return text.length;
}

/** The characters of an embed that count towards the 6000 total. */
export function embedLength(embed: APIEmbed): number {
  let total = (embed.title ?? '').length + (embed.description ?? '').length;
  total += (embed.footer?.text ?? '').length + (embed.author?.name ?? '').length;
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/** Moves a cut position back by one if it would split a surrogate pair. */
function safeCut(text: string, at: number): number {
  if (at <= 0) return 0;
  if (at >= text.length) return text.length;
  const before = text.charCodeAt(at - 1);
  return before >= 0xd800 && before <= 0xdbff ? at - 1 : at;
}

const SENTENCE_END = /[.!?…;:][)"'\]”’»]*(?=\s)/g;

/**
 * Where to cut `text` so that at most `max` characters remain: after the last sentence end or line
 * break in the second half of the allowed span, else at the last space there, else (a single long
 * word) at `max` itself.
 */
export function cutPoint(text: string, max: number): number {
  if (text.length <= max) return text.length;
  if (max <= 0) return 0;
  const span = text.slice(0, max + 1);
  const floor = Math.floor(max / 2);
  let best = -1;
  for (const match of span.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    if (end <= max) best = Math.max(best, end);
  }
  const newline = span.lastIndexOf('\n', max);
  if (newline > best) best = newline;
  if (best >= floor) return best;
  const space = span.lastIndexOf(' ', max);
  if (space >= floor) return space;
  return safeCut(text, max);
}

/**
 * Trims `text` to at most `max` characters at a sentence, line or word boundary, marking the cut
 * with an ellipsis. Text that fits is returned as it is.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, Math.max(0, max));
  const cut = cutPoint(text, max - ELLIPSIS.length - 1);
  const head = text.slice(0, cut).trimEnd();
  const separator = head.length > 0 && /[.!?…;:)"'\]”’»]$/.test(head) ? ' ' : '';
  const out = `${head}${separator}${ELLIPSIS}`;
  return out.length <= max ? out : `${text.slice(0, safeCut(text, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

/**
 * Trims raw `text` so that `render(trimmed)` fits in `max` characters. Rendering (escaping markdown,
 * say) can make text longer, and must never make it shorter. The cut is made in the raw text, at a
 * boundary, so an escape sequence is never cut in half. Returns the rendered text and whether it was
 * trimmed (then it ends with an ellipsis).
 */
export function fitRendered(
  text: string,
  max: number,
  render: (raw: string) => string,
): { text: string; trimmed: boolean } {
  // `render` never makes text shorter, so a raw text longer than the limit cannot fit: it is cut
  // first (escaping long texts is slow, worse than linear).
  const raw = text.length > max + 1 ? text.slice(0, cutPoint(text, max + 1)) : text;
  if (raw.length === text.length) {
    const whole = render(text);
    if (whole.length <= max) return { text: whole, trimmed: false };
  }
  if (max <= ELLIPSIS.length) return { text: ELLIPSIS.slice(0, Math.max(0, max)), trimmed: true };
  let allowance = Math.min(raw.length, max - ELLIPSIS.length - 1);
  for (let attempt = 0; attempt < 12 && allowance > 0; attempt++) {
    const cut = cutPoint(raw, allowance);
    const head = render(raw.slice(0, cut)).trimEnd();
    const out = head.length > 0 ? `${head} ${ELLIPSIS}` : ELLIPSIS;
    if (out.length <= max) return { text: out, trimmed: true };
    // Rendering grew the text: shrink the raw allowance in proportion and try again.
    allowance = Math.min(allowance - 1, Math.floor((allowance * (max - ELLIPSIS.length - 1)) / out.length));
  }
  return { text: ELLIPSIS, trimmed: true };
}

/**
 * Enforces every embed limit on one embed as a last line of defence: trims title, description,
 * field names and values, footer and author name to their limits, keeps at most 25 fields, and
 * then drops fields from the end and trims the description until the embed totals at most `total`.
 * The renderers budget their text so that this changes nothing; it exists so that no message the
 * bot builds can ever be rejected.
 */
export function enforceEmbedLimits(embed: APIEmbed, total: number = LIMITS.embedTotal): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title !== undefined) out.title = truncate(out.title, LIMITS.embedTitle);
  if (out.description !== undefined) out.description = truncate(out.description, LIMITS.embedDescription);
  if (out.footer) out.footer = { ...out.footer, text: truncate(out.footer.text, LIMITS.footer) };
  if (out.author) out.author = { ...out.author, name: truncate(out.author.name, LIMITS.author) };
  if (out.fields) {
    out.fields = out.fields.slice(0, LIMITS.embedFields).map((field) => ({
      ...field,
      name: truncate(field.name, LIMITS.fieldName) || '\u200b',
      value: truncate(field.value, LIMITS.fieldValue) || '\u200b',
    }));
  }
  while (embedLength(out) > total && out.fields && out.fields.length > 0) out.fields = out.fields.slice(0, -1);
  const over = embedLength(out) - total;
  if (over > 0 && out.description !== undefined) {
    out.description = truncate(out.description, Math.max(0, out.description.length - over));
  }
  const stillOver = embedLength(out) - total;
  if (stillOver > 0 && out.footer) out.footer = { ...out.footer, text: truncate(out.footer.text, Math.max(1, out.footer.text.length - stillOver)) };
  const lastOver = embedLength(out) - total;
  if (lastOver > 0 && out.title !== undefined) out.title = truncate(out.title, Math.max(1, out.title.length - lastOver));
  return out;
}
