/** Longest automatic title, in characters; a sidebar row shows about this much. */
const TITLE_MAX = 60;

/**
 * A session's automatic title from its first prompt: the first non-empty line, whitespace
 * collapsed, cut at a word boundary. Null for a prompt with no text (images only).
 */
export function titleFromPrompt(prompt: string): string | null {
  const line = prompt
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l.length > 0);
  if (!line) return null;
  if (line.length <= TITLE_MAX) return line;
  const cut = line.slice(0, TITLE_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
