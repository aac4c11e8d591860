import type { Session, SessionAttention } from '@boocode/contracts';

/** What the badge, the notification and the tab say for each kind of attention. */
export const ATTENTION_LABEL: Record<SessionAttention, string> = {
  permission: 'needs permission',
  finished: 'finished',
  failed: 'failed',
};

const NOTIFY_TEXT: Record<SessionAttention, string> = {
  permission: 'The agent is asking for your permission.',
  // A turn, a workflow run or a background subagent: the server flags the session for each.
  finished: 'Work in this session finished.',
  failed: 'Something in this session failed.',
};

export const APP_TITLE = 'BooCode';

/** Open sessions that want their user. */
export const needingAttention = (sessions: readonly Session[]): Session[] =>
  sessions.filter((s) => s.status === 'open' && s.attention !== null);

/** The tab's title: how many sessions want you, first, so it reads in a narrow tab. */
export const titleFor = (count: number): string => (count > 0 ? `(${count}) ${APP_TITLE}` : APP_TITLE);

const svg = (body: string) => `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">${body}</svg>`)}`;
const BASE = "<circle cx='8' cy='8' r='7' fill='#6d5cff'/>";
/** The app's icon, with a red dot when a session wants you. */
export const faviconFor = (count: number): string =>
  svg(count > 0 ? `${BASE}<circle cx='12.5' cy='3.5' r='3.5' fill='#e5484d' stroke='#fff' stroke-width='1'/>` : BASE);

export interface AttentionEvent {
  session: Session;
  attention: SessionAttention;
}

/**
 * Sessions whose attention just became something new: each is worth a notification. The
 * first view (`before` null) only sets the baseline: a reload must not ring for old news.
 */
export function newAttention(before: ReadonlyMap<string, SessionAttention | null> | null, sessions: readonly Session[]): AttentionEvent[] {
  if (!before) return [];
  return sessions.flatMap((s) => (s.attention && s.status === 'open' && before.get(s.id) !== s.attention ? [{ session: s, attention: s.attention }] : []));
}

/**
 * Whether to interrupt the user: a permission question unless they are looking at that very
 * session; a finished or failed turn only while the page is hidden (on screen, the sidebar says it).
 */
export function worthNotifying(e: AttentionEvent, ctx: { hidden: boolean; currentSessionId: string | null }): boolean {
  if (e.attention === 'permission') return ctx.hidden || e.session.id !== ctx.currentSessionId;
  return ctx.hidden;
}

export const notificationText = (e: AttentionEvent): { title: string; body: string } => ({
  title: e.session.name,
  body: NOTIFY_TEXT[e.attention],
});
