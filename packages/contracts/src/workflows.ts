import { z } from 'zod';
import { Usage } from './common.js';

/**
 * Workflows: JavaScript files in the format of Claude Code's dynamic workflows. The field names of
 * `meta` and of the `agent()` options are those of that format (camelCase), so a file written for
 * Claude Code validates unchanged.
 */

const text = z.string().trim().min(1, 'must not be empty');

/** A phase is `{title, detail?, model?}` or a plain string (its title). */
export const WorkflowPhase = z.union([
  text,
  z.strictObject({ title: text, detail: z.string().optional(), model: z.string().optional() }),
]);
export type WorkflowPhase = z.infer<typeof WorkflowPhase>;

/** `export const meta = {...}`: a plain literal, the first statement of the file. */
export const WorkflowMeta = z.strictObject({
  name: text,
  description: text,
  whenToUse: z.string().optional(),
  phases: z.array(WorkflowPhase).optional(),
});
export type WorkflowMeta = z.infer<typeof WorkflowMeta>;

/** A JSON Schema object (validated as such when the agent call compiles it). */
export const JsonSchemaObject = z.record(z.string(), z.unknown());

/**
 * Options of `agent(prompt, opts)`. `agent` is BooCode's own: which backend runs the call.
 * Unknown options are dropped, so scripts that pass options of a newer Claude Code still run.
 */
export const WorkflowAgentOptions = z.object({
  label: z.string().optional(),
  phase: z.string().optional(),
  schema: JsonSchemaObject.optional(),
  model: z.string().optional(),
  effort: z.string().optional(),
  isolation: z.literal('worktree').optional(),
  agentType: z.string().optional(),
  agent: z.string().optional(),
});
export type WorkflowAgentOptions = z.infer<typeof WorkflowAgentOptions>;

/** How one agent call ended: `cancelled` and `failed` make `agent()` return null. */
export const WorkflowAgentStatus = z.enum(['completed', 'cancelled', 'failed']);
export type WorkflowAgentStatus = z.infer<typeof WorkflowAgentStatus>;

export const WorkflowRunStatus = z.enum(['completed', 'failed', 'cancelled']);
export type WorkflowRunStatus = z.infer<typeof WorkflowRunStatus>;

/**
 * What a run reports while it goes, for the UI. `position` is the agent call's start position in
 * the run (the order `agent()` was called in), the same position the journal keys it by.
 */
const agentRef = {
  position: z.number().int().nonnegative(),
  key: z.string(),
  label: z.string().nullable(),
  phase: z.string().nullable(),
};
export const WorkflowEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run_started'), name: z.string() }),
  z.object({ type: z.literal('phase_started'), title: z.string() }),
  z.object({ type: z.literal('agent_started'), ...agentRef, prompt: z.string(), attempt: z.number().int().positive() }),
  z.object({
    type: z.literal('agent_finished'),
    ...agentRef,
    status: WorkflowAgentStatus,
    cached: z.boolean(),
    usage: Usage,
    error: z.string().nullable(),
  }),
  z.object({ type: z.literal('log'), message: z.string() }),
  z.object({
    type: z.literal('run_finished'),
    status: WorkflowRunStatus,
    result: z.unknown().optional(),
    error: z.string().nullable(),
  }),
]);
export type WorkflowEvent = z.infer<typeof WorkflowEvent>;

/** What one agent call produced, as the executor (a task on the queue) reports it. */
export const WorkflowAgentOutcome = z.object({
  status: WorkflowAgentStatus,
  text: z.string().nullable(),
  usage: Usage,
  error: z.string().nullable().default(null),
  /** The executor's handle on the call (the task id), so a schema retry can continue it. */
  ref: z.string().nullable().default(null),
});
export type WorkflowAgentOutcome = z.infer<typeof WorkflowAgentOutcome>;

/**
 * One `agent()` call in the durable journal, keyed by its start position and a SHA-256 of
 * (prompt, options, the previous call's key). `seq` is the order in which results reached the
 * script; a resume hands cached results back in that same order, so a script that starts agents
 * as others finish starts them at the same positions again.
 */
export const WorkflowJournalEntry = z.object({
  position: z.number().int().nonnegative(),
  key: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex'),
  seq: z.number().int().nonnegative(),
  status: WorkflowAgentStatus,
  /** The text, or the validated object with `schema`; null when cancelled or failed. */
  result: z.unknown(),
  usage: Usage,
  error: z.string().nullable(),
  label: z.string().nullable(),
  phase: z.string().nullable(),
  ref: z.string().nullable(),
});
export type WorkflowJournalEntry = z.infer<typeof WorkflowJournalEntry>;
