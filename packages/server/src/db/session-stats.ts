import type { DiffStats, SessionStats } from '@boocode/contracts';
import type { Sql } from './connection.js';

interface StatsRow {
  session_id: string;
  diff: DiffStats | null;
  turns: number;
  cost: number | null;
  unpriced_turns: number;
  unreported_turns: number;
}

/**
 * Every session's pending-change size and the cost of its turns, in one statement: the board shows
 * them for all sessions at once. The change's counts are the ones stored when its last turn ended,
 * so nothing runs git here.
 */
export async function listSessionStats(sql: Sql): Promise<SessionStats[]> {
  return sql<StatsRow[]>`
    SELECT s.id AS session_id, pc.stats AS diff,
      COALESCE(u.turns, 0)::int AS turns, u.cost,
      COALESCE(u.unpriced_turns, 0)::int AS unpriced_turns, COALESCE(u.unreported_turns, 0)::int AS unreported_turns
    FROM sessions s
    LEFT JOIN pending_changes pc ON pc.session_id = s.id AND pc.status = 'pending'
    LEFT JOIN (
      SELECT session_id, count(*) AS turns, sum(cost) AS cost,
        count(*) FILTER (WHERE cost IS NULL AND usage_reported) AS unpriced_turns,
        count(*) FILTER (WHERE NOT usage_reported) AS unreported_turns
      FROM turn_usage GROUP BY session_id
    ) u ON u.session_id = s.id
    ORDER BY s.created_at DESC, s.id`;
}
