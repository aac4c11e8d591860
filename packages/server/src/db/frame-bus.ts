import type { Sql } from './connection.js';

/** NOTIFY channel of the frame bus; a payload is `<stream> <first seq>` and one frame per line. */
export const FRAMES_CHANNEL = 'boocode_frames';

/**
 * Stamps `count` frames of `stream` and NOTIFYs them in one statement: the upsert holds the
 * stream's row lock until commit, so commits (and with them the notifications every listener
 * receives) come in seq order. `body` is the frames, one per line, each after a newline. Returns
 * the first seq.
 */
// A new stream starts from the clock in µs, so its seqs lie above anything a client saw before.

export async function notifyFrames(sql: Sql, stream: string, count: number, body: string): Promise<number> {
  const rows = await sql<{ first: string }[]>`
    WITH s AS (
      INSERT INTO frame_streams AS f (stream, seq) VALUES (${stream}, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + ${count})
      ON CONFLICT (stream) DO UPDATE SET seq = f.seq + ${count}
      RETURNING seq - ${count} + 1 AS first)
    SELECT first, pg_notify(${FRAMES_CHANNEL}, ${stream} || ' ' || first || ${body}) FROM s`;
  return Number(rows[0]!.first);
}

/** One frame too large for a payload: stored, and its row id notified as `@<id>` (same ordering as above). */
export async function notifyFrameByPointer(sql: Sql, stream: string, data: string): Promise<number> {
  const rows = await sql<{ first: string }[]>`
    WITH s AS (
      INSERT INTO frame_streams AS f (stream, seq) VALUES (${stream}, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + 1)
      ON CONFLICT (stream) DO UPDATE SET seq = f.seq + 1
      RETURNING seq AS first),
    b AS (INSERT INTO frame_bodies (data) VALUES (${data}) RETURNING id)
    SELECT first, pg_notify(${FRAMES_CHANNEL}, ${stream} || ' ' || first || E'\n@' || b.id) FROM s, b`;
  return Number(rows[0]!.first);
}

export async function getFrameBody(sql: Sql, id: string): Promise<string | null> {
  const rows = await sql<{ data: string }[]>`SELECT data FROM frame_bodies WHERE id = ${id}`;
  return rows[0]?.data ?? null;
}

/** Bodies every listener has had time to fetch. */
export async function deleteOldFrameBodies(sql: Sql, olderThanMs: number): Promise<number> {
  const rows = await sql`DELETE FROM frame_bodies WHERE created_at < now() - ${olderThanMs} * interval '1 millisecond'`;
  return rows.count;
}

/**
 * The stream's latest seq, creating the stream (from the clock) when nothing was published on
 * it yet. The no-op update waits for statements stamping the stream right now, so every frame
 * above the answer is notified after this read.
 */
export async function streamPosition(sql: Sql, stream: string): Promise<number> {
  const rows = await sql<{ seq: string }[]>`
    INSERT INTO frame_streams AS f (stream, seq) VALUES (${stream}, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
    ON CONFLICT (stream) DO UPDATE SET seq = f.seq
    RETURNING seq`;
  return Number(rows[0]!.seq);
}
