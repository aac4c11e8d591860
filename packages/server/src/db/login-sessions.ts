import type { Sql } from './connection.js';

/** Browser logins: a cookie is valid while its row exists, has not expired and is not revoked. */

export async function insertLoginSession(sql: Sql, secretHash: Buffer, ttlSeconds: number): Promise<void> {
  await sql`
    INSERT INTO login_sessions (secret_hash, expires_at)
    VALUES (${secretHash}, now() + make_interval(secs => ${ttlSeconds}))`;
  // Expired logins are of no use to anyone; dropping them here keeps the table small.
  await sql`DELETE FROM login_sessions WHERE expires_at < now() - interval '1 day'`;
}

export async function loginSessionValid(sql: Sql, secretHash: Buffer): Promise<boolean> {
  const rows = await sql`
    SELECT 1 FROM login_sessions
    WHERE secret_hash = ${secretHash} AND revoked_at IS NULL AND expires_at > now()`;
  return rows.length > 0;
}

export async function revokeLoginSession(sql: Sql, secretHash: Buffer): Promise<void> {
  await sql`UPDATE login_sessions SET revoked_at = now() WHERE secret_hash = ${secretHash} AND revoked_at IS NULL`;
}

/** Logs every browser out; returns how many logins were still live. */
export async function revokeAllLoginSessions(sql: Sql): Promise<number> {
  const rows = await sql`
    UPDATE login_sessions SET revoked_at = now()
    WHERE revoked_at IS NULL AND expires_at > now()
    RETURNING 1`;
  return rows.length;
}
