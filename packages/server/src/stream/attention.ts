import type { Session, SessionAttention } from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import { clearAnsweredAttention, setAttention } from '../db/sessions.js';
import type { Broker } from './broker.js';

/** Tells every open page (the sidebar's stream and the session's own) what the session is now. */
export function announceSession(broker: Broker, session: Session): void {
  broker.publishUser({ type: 'session_updated', session });
  broker.publish(session.id, { type: 'session_updated', session });
}

/**
 * Stores what the session wants from its user and announces it when it changed. Stored, not
 * only streamed, so the badge survives a reload and shows the same in every browser.
 */
export async function updateAttention(
  sql: Sql,
  broker: Broker,
  sessionId: string,
  attention: SessionAttention | null,
  opts: { only?: readonly SessionAttention[]; unless?: readonly SessionAttention[] } = {},
): Promise<Session | null> {
  const session = await setAttention(sql, sessionId, attention, opts);
  if (session) announceSession(broker, session);
  return session;
}

/** After a permission question is answered or cancelled: the badge goes when none is left. */
export async function permissionSettled(sql: Sql, broker: Broker, sessionId: string): Promise<void> {
  const session = await clearAnsweredAttention(sql, sessionId);
  if (session) announceSession(broker, session);
}
