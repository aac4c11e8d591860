import type { SearchHit, SearchQuery, SnippetPart } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { iso } from './rows.js';

/**
 * Full-text search over session names and message text (PostgreSQL `websearch_to_tsquery`, which
 * never fails on what a person types). The match expressions repeat those of the GIN indexes in
 * migration 0017 character for character, or the planner scans every message.
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

/**
 * Session-name hits first (newest activity first), then message hits (newest first).
 *
 * The words are written into each WHERE (not taken from a joined row) and every run is planned for
 * them, so the planner sees how common they are from the index's statistics: a rare word is looked
 * up in the GIN index and only its hits are sorted, a word in most messages is found by walking the
 * newest messages until enough match. A plan cached for one kind of word would serve the other badly
 * (walking 100,000 messages for a word in none of them).
 */
export async function search(sql: Sql, query: SearchQuery): Promise<SearchHit[]> {
  const project = query.project_id ?? null;
  const rows = await sql.begin(async (tx) => {
    await tx`SET LOCAL plan_cache_mode = force_custom_plan`;
    return tx<HitRow[]>`
    (SELECT s.id AS session_id, s.name AS session_name, s.project_id, NULL::uuid AS chat_id, NULL::uuid AS message_id,
       NULL::text AS role, s.updated_at AS at,
       ts_headline('english', translate(s.name, ${START + STOP}, ''), websearch_to_tsquery('english', ${query.q}), ${HEADLINE}) AS headline,
       0 AS kind
     FROM sessions s
     WHERE to_tsvector('english'::regconfig, s.name) @@ websearch_to_tsquery('english', ${query.q})
       AND (${project}::uuid IS NULL OR s.project_id = ${project}::uuid)
     ORDER BY s.updated_at DESC LIMIT ${query.limit})
    UNION ALL
    (SELECT m.session_id, s.name, s.project_id, m.chat_id, m.id, m.role, m.started_at,
       ts_headline('english', translate(left(m.content, 200000), ${START + STOP}, ''), websearch_to_tsquery('english', ${query.q}), ${HEADLINE}),
       1
     FROM messages m JOIN sessions s ON s.id = m.session_id
     WHERE to_tsvector('english'::regconfig, left(m.content, 200000)) @@ websearch_to_tsquery('english', ${query.q})
       AND (${project}::uuid IS NULL OR s.project_id = ${project}::uuid)
     ORDER BY m.pos DESC LIMIT ${query.limit})
    ORDER BY kind, at DESC
    LIMIT ${query.limit}`;
  });
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
