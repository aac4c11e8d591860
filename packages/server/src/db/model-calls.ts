import type { ModelCall, ModelCallData, PromptSegments } from '@boocode/contracts';
import type { Sql } from './connection.js';
import { jsonb } from './json.js';
import { iso, isoOrNull, usageOf, type UsageColumns } from './rows.js';

/** Every model request of a turn: timing, usage, the prompt's segments, price. */

export interface NewModelCall extends ModelCallData {
  sessionId: string;
  chatId: string;
  messageId: string;
  taskId: string;
  turn: number;
  cost: number | null;
  saved: number | null;
}

export async function insertModelCall(sql: Sql, c: NewModelCall): Promise<void> {
  const u = c.usage;
  await sql`
    INSERT INTO model_calls (session_id, chat_id, message_id, task_id, turn_number, step, kind, model, provider,
      input_tokens, no_cache_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
      segments, tokenizer, cost, saved, started_at, first_token_at, finished_at)
    VALUES (${c.sessionId}, ${c.chatId}, ${c.messageId}, ${c.taskId}, ${c.turn}, ${c.step}, ${c.kind}, ${c.model}, ${c.provider ?? null},
      ${u.input_total}, ${u.no_cache}, ${u.cache_read}, ${u.cache_write}, ${u.output}, ${u.reasoning},
      ${c.segments ? jsonb(sql, c.segments) : null}, ${c.tokenizer}, ${c.cost}, ${c.saved},
      ${c.started_at}, ${c.first_token_at}, ${c.finished_at})`;
}

interface ModelCallRow extends UsageColumns {
  id: string;
  chat_id: string;
  message_id: string | null;
  turn_number: number;
  step: number;
  kind: ModelCall['kind'];
  model: string;
  provider: string | null;
  segments: PromptSegments | null;
  tokenizer: string | null;
  cost: number | null;
  saved: number | null;
  started_at: Date;
  first_token_at: Date | null;
  finished_at: Date;
}

/** A chat's model calls in the order they were made. */
export async function listModelCalls(sql: Sql, chatId: string): Promise<ModelCall[]> {
  const rows = await sql<ModelCallRow[]>`SELECT * FROM model_calls WHERE chat_id = ${chatId} ORDER BY turn_number, pos`;
  return rows.map((r) => ({
    id: r.id,
    chat_id: r.chat_id,
    message_id: r.message_id,
    turn_number: r.turn_number,
    step: r.step,
    kind: r.kind,
    model: r.model,
    ...(r.provider !== null ? { provider: r.provider } : {}),
    started_at: iso(r.started_at),
    first_token_at: isoOrNull(r.first_token_at),
    finished_at: iso(r.finished_at),
    usage: usageOf(r),
    segments: r.segments,
    tokenizer: r.tokenizer,
    cost: r.cost,
    saved: r.saved,
  }));
}
