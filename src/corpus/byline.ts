/** By-lines: "by Jhon Lennon 42 views", "By Jane Doe and John Roe", "Written by Jane Doe". */

/** One capitalized name word (letters, apostrophes, dots, hyphens): "Jhon", "O’Neil", "J.". */
const NAME_WORD = String.raw`\p{Lu}[\p{L}'’.\-]*`;
/** A person's name: one to four words, with lowercase particles allowed inside ("Ursula von der Leyen"). */
const NAME = String.raw`${NAME_WORD}(?:\s+(?:(?:de|van|von|der|den|da|di|du|al|bin|la|le)\s+)*${NAME_WORD}){0,3}`;
/** A view counter after the name: "42 views", "1.2K views". */
const VIEW_COUNTER = String.raw`(?:\s*[,|·•–—-]?\s*\d[\d,.]*\s*[KkMm]?\s+views?)?`;

/**
 * "and" between names needs spaces around it: written as `\s*and\s*` it could also be read as part
 * of a name word ("XandXand…"), and trying every reading took time exponential in the length.
 */
const BYLINE = new RegExp(
  String.raw`^(?:(?:[Ww]ritten|[Pp]osted|[Ss]tory)\s+)?[Bb]y:?\s+(${NAME}(?:(?:\s*[,&]\s*|\s+and\s+)${NAME})*)${VIEW_COUNTER}\s*$`,
  'u',
);

/** A by-line is short; longer text is not tried (it cannot be one, and the pattern's time grows with the length). */
export const MAX_BYLINE_CHARS = 200;

/** Words that start phrases such as "By The Numbers", never a name. */
const NOT_A_NAME_START = new Set(['The', 'A', 'An', 'This', 'That', 'These', 'Those', 'Then', 'Now', 'Way', 'Far']);

/** The author named by a by-line block, or undefined when the text is not a by-line. */
export function parseByline(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length > MAX_BYLINE_CHARS) return undefined;
  const name = BYLINE.exec(trimmed)?.[1];
  if (name === undefined) return undefined;
  const firstWord = name.split(/\s+/)[0] ?? '';
  return NOT_A_NAME_START.has(firstWord) ? undefined : name;
}
