const SUBJECT_MAX = 72;

/** How the follow-up message carrying a reader's line comments starts: it is feedback, not a request of its own. */
export const REVIEW_COMMENTS_HEADING = 'Review comments on your changes:';

const firstLine = (s: string) => s.trim().split('\n')[0]!.trim();
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);

/**
 * A commit message for merging a session, from what the user asked in it: the first request
 * as the subject, every request as a bullet in the body. The reader can edit it before merging.
 */
export function mergeMessageFrom(prompts: readonly string[]): string {
  const asked = prompts.map(firstLine).filter((p) => p !== '' && !p.startsWith(REVIEW_COMMENTS_HEADING));
  if (asked.length === 0) return '';
  const subject = clip(asked[0]!, SUBJECT_MAX);
  if (asked.length === 1) return subject;
  return `${subject}\n\n${asked.map((p) => `- ${clip(p, 100)}`).join('\n')}`;
}

/**
 * Title and description of a pull request from what the user asked: the first request, then all
 * of them. A session with no request of its own still gets a title, which a pull request needs.
 */
export function pullRequestFrom(prompts: readonly string[]): { title: string; body: string } {
  const [title, ...rest] = mergeMessageFrom(prompts).split('\n');
  return { title: title || 'Changes from a BooCode session', body: rest.join('\n').trim() };
}

/** The words for a pull request that was open before a push asked for one: the CLI prints them, the web links them. */
export function alreadyOpenPullRequest(pr: { number: number }): string {
  return `Pull request #${pr.number} is already open for this branch`;
}
