/**
 * Where the app is. The session and chat live in the query string (the server serves the
 * app at `/` only, so no path routing); the hash holds the pinned message (`#pin=<id>`).
 */
export interface Route {
  sessionId: string | null;
  chatId: string | null;
  /** The overview of every session (`?view=board`); a session, when given, wins. */
  board?: boolean;
}

const UUIDISH = /^[0-9a-f-]{8,64}$/i;
const clean = (v: string | null): string | null => (v && UUIDISH.test(v) ? v : null);

export function parseRoute(search: string): Route {
  const q = new URLSearchParams(search);
  const sessionId = clean(q.get('session'));
  const board = !sessionId && q.get('view') === 'board';
  return { sessionId, chatId: clean(q.get('chat')), ...(board ? { board } : {}) };
}

export function routeSearch(r: Route): string {
  const q = new URLSearchParams();
  if (r.sessionId) q.set('session', r.sessionId);
  if (r.sessionId && r.chatId) q.set('chat', r.chatId);
  if (!r.sessionId && r.board) q.set('view', 'board');
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function parsePin(hash: string): string | null {
  const m = /^#pin=([0-9a-f-]{8,64})$/i.exec(hash);
  return m ? m[1]! : null;
}
