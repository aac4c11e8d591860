import { z } from 'zod';
import { Id, Timestamp, Usage } from './common.js';
import { DiffStats } from './git.js';

/**
 * The parts of one model request's prompt, in the order they are sent, with their token counts
 * as the native agent's tokenizer counts them (providers report totals only). The stable parts
 * come first, so a provider's prefix cache can cover everything but the newest tail.
 */
export const PromptSegments = z.object({
  system: z.number().int().nonnegative(),
  tools: z.number().int().nonnegative(),
  /** Earlier turns, as replayed (or their summary after a compaction). */
  history: z.number().int().nonnegative(),
  /** This turn's user message. */
  input: z.number().int().nonnegative(),
  /** What this turn's earlier steps added: the model's tool calls and the tools' results. */
  tool_results: z.number().int().nonnegative(),
});
export type PromptSegments = z.infer<typeof PromptSegments>;

export const PROMPT_SEGMENT_ORDER = ['system', 'tools', 'history', 'input', 'tool_results'] as const satisfies readonly (keyof PromptSegments)[];

/** One model call of a turn: its timing, the provider's usage, and (native agent) its prompt's shape. */
export const ModelCallData = z.object({
  step: z.number().int().min(1),
  /** A step of the agent's loop, or the request that summarised earlier turns. */
  kind: z.enum(['step', 'compaction']),
  model: z.string(),
  provider: z.string().optional(),
  started_at: Timestamp,
  first_token_at: Timestamp.nullable(),
  finished_at: Timestamp,
  usage: Usage,
  /** Null for agents that report totals only. */
  segments: PromptSegments.nullable(),
  /** Which tokenizer counted the segments. */
  tokenizer: z.string().nullable(),
});
export type ModelCallData = z.infer<typeof ModelCallData>;

/** A stored model call (`GET /api/chats/:id/model-calls`), priced when its model has a price. */
export const ModelCall = ModelCallData.extend({
  id: Id,
  chat_id: Id,
  message_id: Id.nullable(),
  turn_number: z.number().int(),
  /** USD; null: no price for this model. */
  cost: z.number().nullable(),
  /** What the cached tokens would have cost uncached, minus what they cost (USD). */
  saved: z.number().nullable(),
});
export type ModelCall = z.infer<typeof ModelCall>;

export const ModelCallList = z.object({ items: z.array(ModelCall) });
export type ModelCallList = z.infer<typeof ModelCallList>;

/** USD per million tokens. Cached input, cache writes and reasoning fall back to input / output prices when unset. */
export const ModelPrice = z.object({
  input: z.number().nonnegative(),
  cached_input: z.number().nonnegative().optional(),
  cache_write: z.number().nonnegative().optional(),
  output: z.number().nonnegative(),
  reasoning: z.number().nonnegative().optional(),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/** config.json `prices`: per model id, over the bundled table. */
export const PriceOverrides = z.record(z.string().min(1), ModelPrice);
export type PriceOverrides = z.infer<typeof PriceOverrides>;

/** Totals over a session's or project's turns (`GET /api/sessions/:id/usage`, `/api/projects/:id/usage`). */
export const UsageTotals = z.object({
  turns: z.number().int().nonnegative(),
  total: Usage,
  /** USD over the priced turns; null when none was priced. */
  cost: z.number().nullable(),
  saved: z.number().nullable(),
  /** Turns whose model has no price: their tokens count, their cost is unknown. */
  unpriced_turns: z.number().int().nonnegative(),
  /** Turns whose agent reported no usage: `total` leaves them out (their tokens are unknown). */
  unreported_turns: z.number().int().nonnegative(),
  cache_hit_ratio: z.number().nullable(),
});
export type UsageTotals = z.infer<typeof UsageTotals>;

/**
 * What the overview board shows of one session beside its status (`GET /api/sessions/stats`): the
 * size of its pending change and what its turns cost.
 */
export const SessionStats = z.object({
  session_id: Id,
  /** The session's pending change (its worktree against its base as of its last turn); null: none. */
  diff: DiffStats.nullable(),
  /** Turns with usage stored. */
  turns: z.number().int().nonnegative(),
  /** USD over the priced turns; null when none was priced. */
  cost: z.number().nullable(),
  unpriced_turns: z.number().int().nonnegative(),
  unreported_turns: z.number().int().nonnegative(),
});
export type SessionStats = z.infer<typeof SessionStats>;

export const SessionStatsList = z.object({ items: z.array(SessionStats) });
export type SessionStatsList = z.infer<typeof SessionStatsList>;
