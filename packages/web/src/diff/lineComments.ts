import { REVIEW_COMMENTS_HEADING } from '@boocode/contracts';
import type { PatchLine } from './parseDiff';

/** A reader's note on one line of the diff, to be sent to the agent with the others. */
export interface LineComment {
  id: string;
  path: string;
  line: PatchLine;
  text: string;
}

/** Where a line is, in words: "line 3 (added)", "old line 7 (removed)". */
export function lineLabel(l: PatchLine): string {
  if (l.kind === 'del') return `old line ${l.oldNo} (removed)`;
  if (l.kind === 'add') return `line ${l.newNo} (added)`;
  return `line ${l.newNo}`;
}

/**
 * All comments as one follow-up message: each quotes its file, line and the line's text, so
 * the agent knows exactly what the reader means without seeing the screen.
 */
export function commentsMessage(comments: readonly LineComment[]): string {
  const parts = comments.map((c) => `${c.path}, ${lineLabel(c.line)}:\n> ${c.line.text}\n${c.text.trim()}`);
  return `${REVIEW_COMMENTS_HEADING}\n\n${parts.join('\n\n')}`;
}
