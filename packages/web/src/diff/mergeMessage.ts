const SUBJECT_MAX = 72;

const firstLine = (s: string) => s.trim().split('\n')[0]!.trim();
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);

/**
 * A commit message for merging a session, from what the user asked in it: the first request
 * as the subject, every request as a bullet in the body. The reader can edit it before merging.
 */
export function mergeMessageFrom(prompts: readonly string[]): string {
  const asked = prompts.map(firstLine).filter((p) => p !== '' && !p.startsWith('Review comments on your changes'));
  if (asked.length === 0) return '';
  const subject = clip(asked[0]!, SUBJECT_MAX);
  if (asked.length === 1) return subject;
  return `${subject}\n\n${asked.map((p) => `- ${clip(p, 100)}`).join('\n')}`;
}
