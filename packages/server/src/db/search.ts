import type { TransactionSql } from 'postgres';
import type { SearchHit, SearchQuery, SnippetPart } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { iso } from './rows.js';

/**
 * Full-text search over session names and message text (PostgreSQL `websearch_to_tsquery`, which
 * never fails on what a person types). Messages are matched on their stored `search` vector (GIN
 * index, migration 0026), which holds no words until the message has finished streaming. Session
 * names are matched on the expression of migration 0017's index, repeated character for character
 * so that the planner uses it.
 */

// Snippet boundaries: control characters, which a search query may not hold and which are taken out
// of the text before highlighting, so a message cannot forge a highlight.
const START = '\u0002';
const STOP = '\u0003';
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxWords=24, MinWords=10`;

/** Splits a ts_headline result into plain and matched parts. */
export function snippetParts(headline: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const [i, piece] of headline.split(new RegExp(`[${START}${STOP}]`)).entries()) {
    if (piece) parts.push({ text: piece, match: i % 2 === 1 });
  }
  return parts;
}

/** Whether the query leaves any word to search for ("the", "!!!" and "-x" alone do not). */
export async function hasSearchTerms(sql: Sql, q: string): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`SELECT numnode(websearch_to_tsquery('english', ${q})) AS n`;
  return (row?.n ?? 0) > 0;
}

interface HitRow {
  session_id: string;
  session_name: string;
  project_id: string;
  chat_id: string | null;
  message_id: string | null;
  role: SearchHit['role'];
  at: Date;
  headline: string;
}

/** The newest messages checked before the index is asked: enough for a common word's hits. */
const RECENT = 300;

/**
 * Session-name hits first (newest activity first), then message hits (newest first).
 *
 * A word in many messages has its hits among the newest ones: those are checked first, a bounded
 * amount of work (their stored vectors, no parsing), at the same time as the names. Otherwise the
 * GIN index lists every match, which are then sorted. The planner alone picks badly there: for a
 * word its statistics do not know it guesses many matches and walks all messages newest first,
 * seconds over 100,000 of them, so for that lookup only bitmap scans (the GIN index) are allowed.
 */
export async function search(sql: Sql, query: SearchQuery): Promise<SearchHit[]> {
  const project = query.project_id ?? null;
  const q = sql`websearch_to_tsquery('english', ${query.q})`;
  const inProject = sql`(${project}::uuid IS NULL OR s.project_id = ${project}::uuid)`;
  const messageHits = (db: Sql | TransactionSql, from: ReturnType<Sql>, limit: number) => db<HitRow[]>`
    SELECT m.session_id, s.name AS session_name, s.project_id, m.chat_id, m.id AS message_id, m.role, m.started_at AS at,
       ts_headline('english', translate(left(m.content, 200000), ${START + STOP}, ''), ${q}, ${HEADLINE}) AS headline
    FROM ${from} m JOIN sessions s ON s.id = m.session_id
    WHERE m.search @@ ${q} AND ${inProject}
    ORDER BY m.pos DESC LIMIT ${limit}`;
  const [names, recent] = await Promise.all([
    sql<HitRow[]>`
      SELECT s.id AS session_id, s.name AS session_name, s.project_id, NULL::uuid AS chat_id, NULL::uuid AS message_id,
         NULL::text AS role, s.updated_at AS at,
         ts_headline('english', translate(s.name, ${START + STOP}, ''), ${q}, ${HEADLINE}) AS headline
      FROM sessions s
      WHERE to_tsvector('english'::regconfig, s.name) @@ ${q} AND ${inProject}
      ORDER BY s.updated_at DESC LIMIT ${query.limit}`,
    messageHits(sql, sql`(SELECT id, pos, session_id, chat_id, role, started_at, content, search FROM messages ORDER BY pos DESC LIMIT ${RECENT})`, query.limit),
  ]);
  const wanted = query.limit - names.length;
  // Any other hit is older than all of the newest messages: the newest hits are these.
  const rows =
    recent.length >= wanted
      ? [...names, ...recent.slice(0, wanted)]
      : [
          ...names,
          ...(await sql.begin(async (tx) => {
            await tx`SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)`;
            return messageHits(tx, tx`messages`, wanted);
          })),
        ];
  return rows.map((r) => ({
    session_id: r.session_id,
    session_name: r.session_name,
    project_id: r.project_id,
    chat_id: r.chat_id,
    message_id: r.message_id,
    role: r.role,
    at: iso(r.at),
    snippet: snippetParts(r.headline),
  }));
}
