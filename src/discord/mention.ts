/** Reading a question out of a message that @mentions the bot. */

/**
 * The question in `content` if it mentions the bot — as a user (`<@id>`, `<@!id>`) or by the bot's
 * own managed role (`<@&role>`, which Discord's mention picker sometimes offers instead) — with those
 * mentions removed and whitespace collapsed. Undefined when the bot is not mentioned; an empty string
 * for a bare mention.
 */
export function mentionQuestion(content: string, botId: string, botRoleIds: readonly string[] = []): string | undefined {
  const tokens = [`<@${botId}>`, `<@!${botId}>`, ...botRoleIds.map((id) => `<@&${id}>`)];
  if (!tokens.some((token) => content.includes(token))) return undefined;
  let text = content;
  for (const token of tokens) text = text.split(token).join(' ');
  return text.replace(/\s+/g, ' ').trim();
}

/** A thread name for a question: one line, 1–100 characters. */
export function threadName(question: string): string {
  const line = question.replace(/\s+/g, ' ').replace(/@(everyone|here)/gi, '$1').trim();
  if (line.length === 0) return 'Question';
  if (line.length <= 100) return line;
  const cut = line.lastIndexOf(' ', 98);
  return `${line.slice(0, cut >= 50 ? cut : 98).trimEnd()} …`.slice(0, 100);
}
