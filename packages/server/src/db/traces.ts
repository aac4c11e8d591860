import { addUsage, emptyUsage, type ToolTrace, type TracePage, type TracesQuery, type TurnUsage, type Usage, type UsageSummary, type UsageTotals } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { jsonb } from './json.js';
import { iso, isoOrNull, usageOf, type UsageColumns } from './rows.js';

/** Tool traces (one row per tool call of any backend) and per-turn usage. */

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
  subagent_ids: string[];
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
  subagent_ids: r.subagent_ids,
  cursor: String(r.pos),
});

export interface NewToolTrace {
  id: string;
  sessionId: string;
  chatId: string;
  messageId: string;
  taskId: string;
  turn: number;
  toolCallId: string;
  toolName: string;
  input: ToolTrace['tool_input'];
  startedAt: Date;
  /** Its `execute_tool` span (W3C traceparent), when telemetry is on. */
  traceparent?: string;
}

/** A tool call the agent started: a `running` trace. */
export async function insertToolTrace(sql: Sql, t: NewToolTrace): Promise<void> {
  await sql`
    INSERT INTO tool_traces (id, session_id, chat_id, message_id, task_id, turn_number, tool_call_id, tool_name, tool_input, started_at, outcome, traceparent)
    VALUES (${t.id}, ${t.sessionId}, ${t.chatId}, ${t.messageId}, ${t.taskId}, ${t.turn}, ${t.toolCallId}, ${t.toolName},
            ${jsonb(sql, t.input)}, ${t.startedAt}, 'running', ${t.traceparent ?? null})`;
}

/** The agent completed a call's input while it ran. */
export async function setToolTraceInput(sql: Sql, id: string, input: ToolTrace['tool_input']): Promise<void> {
  await sql`UPDATE tool_traces SET tool_input = ${jsonb(sql, input)} WHERE id = ${id}`;
}

export interface ToolTraceEnding {
  output: string | null;
  finishedAt: Date;
  latencyMs: number;
  error: string | null;
  outcome: 'success' | 'error';
  /** The call's final input, when the agent sent one with the result. */
  input?: ToolTrace['tool_input'];
}

export async function finishToolTrace(sql: Sql, id: string, end: ToolTraceEnding): Promise<void> {
  await sql`
    UPDATE tool_traces SET tool_output = ${end.output}, finished_at = ${end.finishedAt}, latency_ms = ${end.latencyMs},
      error = ${end.error}, outcome = ${end.outcome}
      ${end.input ? sql`, tool_input = ${jsonb(sql, end.input)}` : sql``}
    WHERE id = ${id}`;
}

/** A step's usage, on the traces of the calls made in that step. */
export async function setStepUsage(sql: Sql, traceIds: string[], usage: Usage): Promise<void> {
  await sql`
    UPDATE tool_traces SET tokens_used = ${usage.output}, cache_tokens = ${usage.cache_read}, reasoning_tokens = ${usage.reasoning}
    WHERE id = ANY(${traceIds}::uuid[])`;
}

/** A call still open when its turn was cancelled. */
export async function markToolTraceCancelled(sql: Sql, id: string): Promise<void> {
  await sql`UPDATE tool_traces SET outcome = 'cancelled' WHERE id = ${id}`;
}

/** A chat's traces in (turn, start) order, from a keyset cursor. */
export async function pageTraces(sql: Sql, chatId: string, query: TracesQuery): Promise<TracePage> {
  // Traces are inserted in (turn, start) order within a chat, so `pos` is that order and a
  // cursor on it is a plain index range scan however deep the page.
  const rows = await sql<TraceRow[]>`
    SELECT tr.*, ARRAY(SELECT c.id FROM tasks c
                       WHERE c.parent_task_id = tr.task_id AND c.spawn_tool_call_id = tr.tool_call_id
                       ORDER BY c.created_at, c.id) AS subagent_ids
    FROM tool_traces tr
    WHERE chat_id = ${chatId}
      AND (${query.cursor ?? null}::bigint IS NULL OR pos > ${query.cursor ?? null}::bigint)
      AND (${query.turn ?? null}::int IS NULL OR turn_number = ${query.turn ?? null}::int)
    ORDER BY pos LIMIT ${query.limit + 1}`;
  const more = rows.length > query.limit;
  const items = rows.slice(0, query.limit).map(toTrace);
  return { items, next_cursor: more ? items[items.length - 1]!.cursor : null };
}

export interface NewTurnUsage {
  /** False when the agent reported no usage: the zero counts are unknown. */
  usageReported: boolean;
  sessionId: string;
  chatId: string;
  messageId: string;
  taskId: string;
  turn: number;
  agent: string;
  model: string | null;
  provider: string | null;
  usage: Usage;
  cost: number | null;
  saved: number | null;
  steps: number;
  toolCalls: number;
  /** The agents' own usage payloads, one per step. */
  raw: unknown[];
  latencyMs: number;
  ttftMs: number | null;
  startedAt: Date;
  finishedAt: Date;
}

export async function insertTurnUsage(sql: Sql, t: NewTurnUsage): Promise<void> {
  const u = t.usage;
  await sql`
    INSERT INTO turn_usage (session_id, chat_id, message_id, task_id, turn_number, agent, model, provider,
      input_tokens, no_cache_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
      cost, saved, steps, tool_calls, raw, latency_ms, ttft_ms, started_at, finished_at, usage_reported)
    VALUES (${t.sessionId}, ${t.chatId}, ${t.messageId}, ${t.taskId}, ${t.turn}, ${t.agent}, ${t.model}, ${t.provider},
      ${u.input_total}, ${u.no_cache}, ${u.cache_read}, ${u.cache_write}, ${u.output}, ${u.reasoning},
      ${t.cost}, ${t.saved}, ${t.steps}, ${t.toolCalls}, ${jsonb(sql, t.raw)},
      ${t.latencyMs}, ${t.ttftMs}, ${t.startedAt}, ${t.finishedAt}, ${t.usageReported})`;
}

interface UsageRow extends UsageColumns {
  turn_number: number;
  message_id: string | null;
  task_id: string | null;
  agent: string;
  model: string | null;
  provider: string | null;
  cost: number | null;
  saved: number | null;
  steps: number;
  tool_calls: number;
  latency_ms: number | null;
  ttft_ms: number | null;
  started_at: Date;
  finished_at: Date;
  usage_reported: boolean;
}

const ratio = (cacheRead: number, input: number) => (input > 0 ? cacheRead / input : null);

/** A chat's usage per turn and in total, with prompt-cache hit ratios. */
export async function chatUsage(sql: Sql, chatId: string): Promise<UsageSummary> {
  const rows = await sql<UsageRow[]>`SELECT * FROM turn_usage WHERE chat_id = ${chatId} ORDER BY turn_number, started_at`;
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
      ...(r.usage_reported ? {} : { usage_reported: false }),
      cost: r.cost,
      saved: r.saved,
      steps: r.steps,
      tool_calls: r.tool_calls,
      latency_ms: r.latency_ms,
      ttft_ms: r.ttft_ms,
      cache_hit_ratio: ratio(usage.cache_read, usage.input_total),
      started_at: iso(r.started_at),
      finished_at: iso(r.finished_at),
    };
  });
  const total = turns.reduce((sum, t) => addUsage(sum, t.usage), emptyUsage());
  return { turns, total, unreported_turns: turns.filter((t) => t.usage_reported === false).length, cost: sumOf(turns.map((t) => t.cost)), saved: sumOf(turns.map((t) => t.saved)), cache_hit_ratio: ratio(total.cache_read, total.input_total) };
}

/** The sum of the known values; null when none is known. */
function sumOf(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
}

interface TotalsRow {
  turns: number;
  input_tokens: number;
  no_cache_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost: number | null;
  saved: number | null;
  unpriced_turns: number;
  unreported_turns: number;
}

/** Totals over a session's or a project's turns. */
export async function usageTotals(sql: Sql, scope: { sessionId: string } | { projectId: string }): Promise<UsageTotals> {
  const where =
    'sessionId' in scope
      ? sql`u.session_id = ${scope.sessionId}`
      : sql`u.session_id IN (SELECT s.id FROM sessions s WHERE s.project_id = ${scope.projectId})`;
  const [r] = await sql<TotalsRow[]>`
    SELECT count(*)::int AS turns,
      COALESCE(sum(input_tokens), 0)::int AS input_tokens, COALESCE(sum(no_cache_tokens), 0)::int AS no_cache_tokens,
      COALESCE(sum(cache_read_tokens), 0)::int AS cache_read_tokens, COALESCE(sum(cache_write_tokens), 0)::int AS cache_write_tokens,
      COALESCE(sum(output_tokens), 0)::int AS output_tokens, COALESCE(sum(reasoning_tokens), 0)::int AS reasoning_tokens,
      sum(cost) AS cost, sum(saved) AS saved, (count(*) FILTER (WHERE cost IS NULL AND usage_reported))::int AS unpriced_turns,
      (count(*) FILTER (WHERE NOT usage_reported))::int AS unreported_turns
    FROM turn_usage u WHERE ${where}`;
  const total = usageOf(r!);
  return { turns: r!.turns, total, cost: r!.cost, saved: r!.saved, unpriced_turns: r!.unpriced_turns, unreported_turns: r!.unreported_turns, cache_hit_ratio: ratio(total.cache_read, total.input_total) };
}
