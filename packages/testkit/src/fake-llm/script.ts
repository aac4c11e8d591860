import { z } from 'zod';

/**
 * What one scripted response of the fake LLM looks like. A test (or a JSON script file) lists
 * these in order; each request consumes the first turn whose `match` accepts it.
 */

/** One or many deltas; a plain string is sent as a single delta. */
const Deltas = z.union([z.string(), z.array(z.string())]);

export const ScriptedToolCall = z.object({
  /** Defaults to `call_<request>_<index>`. */
  id: z.string().optional(),
  name: z.string().min(1),
  /**
   * An object is JSON-encoded; a string is sent verbatim (lets tests send malformed JSON).
   * `{{tool_uuid:N}}` is replaced with the Nth distinct UUID of the request's tool results.
   */
  arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).default({}),
});
export type ScriptedToolCall = z.input<typeof ScriptedToolCall>;

/**
 * Token usage to report. `style` picks the wire shape: OpenAI puts cached tokens in
 * `prompt_tokens_details.cached_tokens`; DeepSeek reports `prompt_cache_hit_tokens` and
 * `prompt_cache_miss_tokens`. Both describe the same numbers, which is what tests need.
 */
export const ScriptedUsage = z.object({
  style: z.enum(['openai', 'deepseek']).default('openai'),
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  cached_tokens: z.number().int().nonnegative().default(0),
  reasoning_tokens: z.number().int().nonnegative().optional(),
});
export type ScriptedUsage = z.input<typeof ScriptedUsage>;

/** Which requests a turn may answer. Every given field must hold. */
export const TurnMatch = z.object({
  /** Substring of the text of the last user message. */
  lastUserIncludes: z.string().optional(),
  /** true: the request offers tools; false: it offers none (e.g. opencode's title request). */
  hasTools: z.boolean().optional(),
  /** true: opencode asks for a session title (see `isTitleRequest`); false: any other request. */
  titleRequest: z.boolean().optional(),
  model: z.string().optional(),
});
export type TurnMatch = z.infer<typeof TurnMatch>;

export const ScriptedTurn = z
  .object({
    match: TurnMatch.optional(),
    reasoning: Deltas.optional(),
    text: Deltas.optional(),
    toolCalls: z.array(ScriptedToolCall).optional(),
    usage: ScriptedUsage.optional(),
    /** Sent as the `usage` object verbatim, for provider shapes the `usage` helper does not cover. */
    rawUsage: z.record(z.string(), z.unknown()).optional(),
    /** Defaults to `tool_calls` when the turn has tool calls, else `stop`. */
    finishReason: z.enum(['stop', 'tool_calls', 'length', 'content_filter']).optional(),
    /** Answer with this HTTP status instead of a completion (429, 500, ...). */
    error: z
      .object({
        status: z.number().int().min(400).max(599),
        body: z.unknown().optional(),
        headers: z.record(z.string(), z.string()).optional(),
      })
      .optional(),
    /** Wait this long before each streamed chunk (and before a non-streamed answer). */
    chunkDelayMs: z.number().nonnegative().default(0),
    /** Send this many chunks, then go silent but keep the connection open (non-streamed: only 0 applies). */
    stallAfter: z.number().int().nonnegative().optional(),
    /** Send this many chunks, then destroy the socket (non-streamed: only 0 applies). */
    breakAfter: z.number().int().nonnegative().optional(),
  })
  .refine((t) => !(t.usage && t.rawUsage), { message: 'give either usage or rawUsage, not both' });
export type ScriptedTurn = z.input<typeof ScriptedTurn>;
export type ParsedTurn = z.output<typeof ScriptedTurn>;

/** A script file: a bare array of turns, or an object with turns, fallback and model ids. */
export const FakeLlmScriptFile = z.union([
  z.array(ScriptedTurn),
  z.object({
    turns: z.array(ScriptedTurn).default([]),
    fallback: ScriptedTurn.optional(),
    models: z.array(z.string().min(1)).min(1).optional(),
  }),
]);
export type FakeLlmScriptFile = z.input<typeof FakeLlmScriptFile>;

export function deltas(d: string | string[] | undefined): string[] {
  if (d === undefined) return [];
  return typeof d === 'string' ? [d] : d;
}
