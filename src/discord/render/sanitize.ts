/**
 * Making untrusted text (corpus articles, questions people typed) safe to show: its markdown is
 * escaped so it shows as written, and mentions are made inert. The bot also sends
 * `allowed_mentions: { parse: [] }` with every message; breaking the mention syntax here is a second
 * layer, so that text that reaches Discord by another path (an embed copied into content, a forwarded
 * message) still cannot ping anyone.
 */
import { escapeMarkdown } from 'discord.js';

const ZWSP = '\u200b';

/** Breaks `@everyone`, `@here`, and user, role and channel mentions with a zero-width space. */
export function neutraliseMentions(text: string): string {
  return text
    .replace(/@(everyone|here)\b/gi, `@${ZWSP}$1`)
    .replace(/<(@[!&]?|#|\/)(?=[\w\d])/g, `<${ZWSP}$1`);
}

/**
 * Escapes every kind of Discord markdown in a text: bold, italics, underline, strikethrough,
 * spoilers, code, headings, subtext (`-#`), lists, block quotes and masked links.
 */
export function escapeAllMarkdown(text: string): string {
  const escaped = escapeMarkdown(text, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  return escaped
    .replace(/^(\s*)-#(?=\s)/gm, '$1\\-#')
    .replace(/^(\s*)>/gm, '$1\\>');
}

/** Untrusted text ready to put in a message: markdown escaped, then mentions neutralised. */
export function safeText(text: string): string {
  return neutraliseMentions(escapeAllMarkdown(text));
}

/** Text for an inline code span (backslashes do not escape inside code, so backticks are replaced). */
export function safeCode(text: string): string {
  const cleaned = text.replace(/`/g, 'ˋ').replace(/[\r\n]+/g, ' ');
  return `\`${cleaned.length > 0 ? cleaned : ' '}\``;
}

/**
 * The URL if it is an absolute http(s) URL short enough to show (otherwise undefined), as
 * `<url>` so that Discord shows no preview for it.
 */
export function safeLink(url: string | undefined, max = 512): string | undefined {
  const checked = safeUrl(url, max);
  return checked === undefined ? undefined : `<${checked}>`;
}

/** The URL if it is an absolute http(s) URL without spaces or angle brackets, at most `max` long. */
export function safeUrl(url: string | undefined, max = 2048): string | undefined {
  if (url === undefined) return undefined;
  const trimmed = url.trim();
  if (trimmed.length === 0 || trimmed.length > max || /[\s<>]/.test(trimmed)) return undefined;
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? trimmed : undefined;
  } catch {
    return undefined;
  }
}

/** Undoes `safeText` (approximately: backslash escapes and zero-width spaces removed). */
export function unescapeText(text: string): string {
  return text.replace(/\u200b/g, '').replace(/\\([\\*_~|`#>\-.[\]()])/g, '$1');
}
