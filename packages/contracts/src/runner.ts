import { z } from 'zod';
import { Id, Timestamp, Usage } from './common.js';
import { PermissionOption } from './agent.js';

const limit = z.coerce.number().int().min(1).max(200).default(50);

// ---- tool traces (GET /api/chats/:id/traces) ----
export const TraceOutcome = z.enum(['running', 'success', 'error', 'cancelled']);

export const ToolTrace = z.object({
  id: Id,
  session_id: Id,
  chat_id: Id,
  message_id: Id.nullable(),
  task_id: Id.nullable(),
  turn_number: z.number().int(),
  tool_call_id: z.string(),
  tool_name: z.string(),
  tool_input: z.record(z.string(), z.unknown()),
  tool_output: z.string().nullable(),
  started_at: Timestamp,
  finished_at: Timestamp.nullable(),
  latency_ms: z.number().int().nullable(),
  tokens_used: z.number().int().nullable(),
  cache_tokens: z.number().int().nullable(),
  reasoning_tokens: z.number().int().nullable(),
  error: z.string().nullable(),
  outcome: TraceOutcome.nullable(),
  /** The subagents this call spawned (task ids): their turns nest under it in the trace tree. */
  subagent_ids: z.array(Id).optional(),
  cursor: z.string(),
});
export type ToolTrace = z.infer<typeof ToolTrace>;

export const TracesQuery = z.object({
  cursor: z.string().regex(/^\d{1,18}$/, 'must be a cursor returned by this API').optional(),
  limit,
  turn: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
});
export type TracesQuery = z.infer<typeof TracesQuery>;

export const TracePage = z.object({ items: z.array(ToolTrace), next_cursor: z.string().nullable() });
export type TracePage = z.infer<typeof TracePage>;

// ---- usage (GET /api/chats/:id/usage) ----
export const TurnUsage = z.object({
  turn_number: z.number().int(),
  message_id: Id.nullable(),
  task_id: Id.nullable(),
  agent: z.string(),
  model: z.string().nullable(),
  provider: z.string().nullable(),
  usage: Usage,
  /** False when the agent reported no usage for this turn: `usage` is then unknown, not zero. */
  usage_reported: z.boolean().optional(),
  /** USD; null: no price for the model (or the agent reported none). */
  cost: z.number().nullable(),
  /** What the cache saved on this turn (USD); null when unpriced. */
  saved: z.number().nullable(),
  steps: z.number().int(),
  tool_calls: z.number().int(),
  latency_ms: z.number().int().nullable(),
  ttft_ms: z.number().int().nullable(),
  /** cache_read / input_total; null when there was no input. */
  cache_hit_ratio: z.number().nullable(),
  started_at: Timestamp,
  finished_at: Timestamp,
});
export type TurnUsage = z.infer<typeof TurnUsage>;

export const UsageSummary = z.object({
  turns: z.array(TurnUsage),
  total: Usage,
  /** Turns whose agent reported no usage: `total` leaves them out. */
  unreported_turns: z.number().int().nonnegative(),
  cost: z.number().nullable(),
  saved: z.number().nullable(),
  cache_hit_ratio: z.number().nullable(),
});
export type UsageSummary = z.infer<typeof UsageSummary>;

// ---- permissions ----
export const PermissionDecision = z.enum(['allow_once', 'allow_always', 'reject']);
export type PermissionDecision = z.infer<typeof PermissionDecision>;

export const PermissionStatus = z.enum(['pending', 'answered', 'cancelled']);
export type PermissionStatus = z.infer<typeof PermissionStatus>;

export const Permission = z.object({
  id: Id,
  session_id: Id,
  chat_id: Id,
  message_id: Id.nullable(),
  task_id: Id.nullable(),
  tool_call_id: z.string().nullable(),
  title: z.string(),
  kind: z.string().nullable(),
  options: z.array(PermissionOption),
  status: PermissionStatus,
  decision: z.string().nullable(),
  decided_by: z.enum(['user', 'policy', 'cancelled']).nullable(),
  created_at: Timestamp,
  answered_at: Timestamp.nullable(),
});
export type Permission = z.infer<typeof Permission>;

export const AnswerPermissionBody = z.object({ decision: PermissionDecision });
export type AnswerPermissionBody = z.infer<typeof AnswerPermissionBody>;

export const ListPermissionsQuery = z.object({ status: PermissionStatus.optional() });
/** `GET /api/permissions`: every session's requests, newest first. */
export const ListAllPermissionsQuery = ListPermissionsQuery.extend({ limit });
