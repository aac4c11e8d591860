import type { ToolTrace, TurnUsage } from '@boocode/contracts';
import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { notFound } from '../../errors.js';
import { getChat } from '../../db/chats.js';
import { iso, isoOrNull, usageOf, type UsageColumns } from '../../db/rows.js';

interface TraceRow {
  id: string;
  pos: string;
  session_id: string;
  chat_id: string;
  message_id: string | null;
  task_id: string | null;
  turn_number: number;
  tool_call_id: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
  tool_output: string | null;
  started_at: Date;
  finished_at: Date | null;
  latency_ms: number | null;
  tokens_used: number | null;
  cache_tokens: number | null;
  reasoning_tokens: number | null;
  error: string | null;
  outcome: ToolTrace['outcome'];
}

const toTrace = (r: TraceRow): ToolTrace => ({
  id: r.id,
  session_id: r.session_id,
  chat_id: r.chat_id,
  message_id: r.message_id,
  task_id: r.task_id,
  turn_number: r.turn_number,
  tool_call_id: r.tool_call_id,
  tool_name: r.tool_name,
  tool_input: r.tool_input,
  tool_output: r.tool_output,
  started_at: iso(r.started_at),
  finished_at: isoOrNull(r.finished_at),
  latency_ms: r.latency_ms,
  tokens_used: r.tokens_used,
  cache_tokens: r.cache_tokens,
  reasoning_tokens: r.reasoning_tokens,
  error: r.error,
  outcome: r.outcome,
  cursor: String(r.pos),
});

interface UsageRow extends UsageColumns {
  turn_number: number;
  message_id: string | null;
  task_id: string | null;
  agent: string;
  model: string | null;
  provider: string | null;
  cost: number | null;
  steps: number;
  tool_calls: number;
  latency_ms: number | null;
  ttft_ms: number | null;
  started_at: Date;
  finished_at: Date;
}

const ratio = (cacheRead: number, input: number) => (input > 0 ? cacheRead / input : null);

export function traceHandlers(ctx: AppContext): Handlers<'listTraces' | 'getChatUsage'> {
  const { sql } = ctx;
  return {
    listTraces: async ({ params, query }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      // Traces are inserted in (turn, start) order within a chat, so `pos` is that order and a
      // cursor on it is a plain index range scan however deep the page.
      const rows = await sql<TraceRow[]>`
        SELECT * FROM tool_traces
        WHERE chat_id = ${params.id}
          AND (${query.cursor ?? null}::bigint IS NULL OR pos > ${query.cursor ?? null}::bigint)
          AND (${query.turn ?? null}::int IS NULL OR turn_number = ${query.turn ?? null}::int)
        ORDER BY pos LIMIT ${query.limit + 1}`;
      const more = rows.length > query.limit;
      const items = rows.slice(0, query.limit).map(toTrace);
      return { items, next_cursor: more ? items[items.length - 1]!.cursor : null };
    },
    getChatUsage: async ({ params }) => {
      if (!(await getChat(sql, params.id))) throw notFound('chat', params.id);
      const rows = await sql<UsageRow[]>`SELECT * FROM turn_usage WHERE chat_id = ${params.id} ORDER BY turn_number, started_at`;
      const turns: TurnUsage[] = rows.map((r) => {
        const usage = usageOf(r);
        return {
          turn_number: r.turn_number,
          message_id: r.message_id,
          task_id: r.task_id,
          agent: r.agent,
          model: r.model,
          provider: r.provider,
          usage,
          cost: r.cost,
          steps: r.steps,
          tool_calls: r.tool_calls,
          latency_ms: r.latency_ms,
          ttft_ms: r.ttft_ms,
          cache_hit_ratio: ratio(usage.cache_read, usage.input_total),
          started_at: iso(r.started_at),
          finished_at: iso(r.finished_at),
        };
      });
      const total = turns.reduce(
        (a, t) => ({
          input_total: a.input_total + t.usage.input_total,
          no_cache: a.no_cache + t.usage.no_cache,
          cache_read: a.cache_read + t.usage.cache_read,
          cache_write: a.cache_write + t.usage.cache_write,
          output: a.output + t.usage.output,
          reasoning: a.reasoning + t.usage.reasoning,
        }),
        { input_total: 0, no_cache: 0, cache_read: 0, cache_write: 0, output: 0, reasoning: 0 },
      );
      const costs = turns.map((t) => t.cost).filter((c): c is number => c !== null);
      return { turns, total, cost: costs.length ? costs.reduce((a, b) => a + b, 0) : null, cache_hit_ratio: ratio(total.cache_read, total.input_total) };
    },
  };
}
