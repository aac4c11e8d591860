import { z } from 'zod';
import { Usage } from './common.js';
import { TaskStatus } from './rest.js';

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

// ---- the API of workflow runs ----

/**
 * Where a workflow comes from, in the order discovery looks (the first file of a name wins):
 * the project's `.boocode/workflows`, its `.claude/workflows`, `BOOCODE_HOME/workflows`, the
 * built-ins. `script` is a run of a script sent in the request itself.
 */
export const WorkflowSource = z.enum(['project', 'claude', 'home', 'builtin']);
export type WorkflowSource = z.infer<typeof WorkflowSource>;

export const WorkflowCatalogEntry = z.object({
  name: z.string(),
  description: z.string(),
  whenToUse: z.string().nullable(),
  phases: z.array(WorkflowPhase),
  source: WorkflowSource,
  /** The file it was read from; null for a built-in. */
  path: z.string().nullable(),
});
export type WorkflowCatalogEntry = z.infer<typeof WorkflowCatalogEntry>;

/** A workflow file that cannot be offered, and why (a syntax error, a bad meta). */
export const WorkflowFileProblem = z.object({ source: WorkflowSource, path: z.string(), error: z.string() });
export type WorkflowFileProblem = z.infer<typeof WorkflowFileProblem>;

export const WorkflowCatalog = z.object({ items: z.array(WorkflowCatalogEntry), problems: z.array(WorkflowFileProblem) });
export type WorkflowCatalog = z.infer<typeof WorkflowCatalog>;

/**
 * POST /api/sessions/:id/workflow-runs. A workflow by `name` (discovered) or a `script` (the file's
 * text). With `resume_from`, agents whose calls are unchanged since that run are not run again;
 * `resume_from` alone re-runs that run's own script and args.
 */
export const StartWorkflowRunBody = z
  .object({
    name: text.max(200).optional(),
    script: z.string().min(1, 'must not be empty').max(1_000_000).refine((s) => !s.includes('\u0000'), 'must not contain NUL characters').optional(),
    /** The script's `args`; absent: `args` is undefined in the script. */
    args: z.unknown().optional(),
    resume_from: z.uuid().optional(),
    /** Hard cap on output tokens across the run (the script's `budget.total`). */
    budget: z.number().int().positive().optional(),
  })
  .refine((b) => !(b.name !== undefined && b.script !== undefined), { message: 'give either name or script, not both', path: ['name'] })
  .refine((b) => b.name !== undefined || b.script !== undefined || b.resume_from !== undefined, {
    message: 'give the name of a workflow, a script, or resume_from',
    path: ['name'],
  });
export type StartWorkflowRunBody = z.input<typeof StartWorkflowRunBody>;

/** `pending` until a worker takes the run; `running` while its sandbox (on some worker) runs it. */
export const WorkflowRunState = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']);
export type WorkflowRunState = z.infer<typeof WorkflowRunState>;

export const WorkflowRun = z.object({
  id: z.uuid(),
  session_id: z.uuid(),
  project_id: z.uuid(),
  name: z.string(),
  source: z.union([WorkflowSource, z.literal('script')]),
  /** The script's `args` (absent when it was launched without). */
  args: z.unknown().optional(),
  budget: z.number().int().nullable(),
  resume_from: z.uuid().nullable(),
  status: WorkflowRunState,
  /** The script's return value, once completed (absent when it returned nothing). */
  result: z.unknown().optional(),
  error: z.string().nullable(),
  /** The phase the script is in (its last `phase()` call). */
  phase: z.string().nullable(),
  /** Usage of the agents this run ran itself (cached ones cost nothing again). */
  usage: Usage,
  /** Its `agent()` calls so far: all, still running, and answered from the journal. */
  agent_counts: z.object({ total: z.number().int(), running: z.number().int(), cached: z.number().int() }),
  /** The most `agent()` calls the run may make, as the worker running it sets it; null until a worker takes it. */
  agent_limit: z.number().int().nullable().default(null),
  cancel_requested: z.boolean(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type WorkflowRun = z.infer<typeof WorkflowRun>;

/** An `isolation: 'worktree'` agent's own worktree, kept because the agent changed something there. */
export const WorkflowAgentWorktree = z.object({
  path: z.string(),
  branch: z.string(),
  base_commit: z.string(),
  files: z.number().int(),
  additions: z.number().int(),
  deletions: z.number().int(),
  /** The agent's diff against `base_commit`. */
  patch: z.string(),
});
export type WorkflowAgentWorktree = z.infer<typeof WorkflowAgentWorktree>;

/** One `agent()` call of a run. `running` until the script has its result. */
export const WorkflowRunAgent = z.object({
  position: z.number().int().nonnegative(),
  label: z.string().nullable(),
  phase: z.string().nullable(),
  status: z.enum(['running', ...WorkflowAgentStatus.options]),
  /** Its result came from the journal of an earlier run (or attempt) instead of an agent. */
  cached: z.boolean(),
  /** The task that ran it (for a cached agent: the task of the run that did). */
  task_id: z.uuid().nullable(),
  /** Tasks it took: more than one when its output did not match its `schema`. */
  attempts: z.number().int(),
  /** Of its task: the chat holding its transcript, the agent and model that ran it, and whether it still waits in the queue. */
  chat_id: z.uuid().nullable(),
  agent: z.string().nullable(),
  model: z.string().nullable(),
  task_status: TaskStatus.nullable(),
  prompt: z.string(),
  usage: Usage,
  /** USD of the turns it ran in this run (every attempt); null when none was priced, or it was cached. */
  cost: z.number().nullable().default(null),
  /** The text, or the validated object with `schema`; null while running, cancelled or failed. */
  result: z.unknown(),
  error: z.string().nullable(),
  worktree: WorkflowAgentWorktree.nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});
export type WorkflowRunAgent = z.infer<typeof WorkflowRunAgent>;

/** A run with its agents, in start order. */
export const WorkflowRunDetail = WorkflowRun.extend({ agents: z.array(WorkflowRunAgent) });
export type WorkflowRunDetail = z.infer<typeof WorkflowRunDetail>;

export const WorkflowRunList = z.object({ items: z.array(WorkflowRun) });
export type WorkflowRunList = z.infer<typeof WorkflowRunList>;

/** One `log()` line of a run; `line` numbers the run's lines from 1. */
export const WorkflowLogLine = z.object({ line: z.number().int().positive(), message: z.string(), at: z.string() });
export type WorkflowLogLine = z.infer<typeof WorkflowLogLine>;

/**
 * GET /api/workflow-runs/:id/logs: the run's stored log lines in order. A run keeps its newest
 * lines only; `dropped` counts the older ones no longer kept.
 */
export const WorkflowLogList = z.object({ items: z.array(WorkflowLogLine), dropped: z.number().int().nonnegative() });
export type WorkflowLogList = z.infer<typeof WorkflowLogList>;

export const WorkflowLogQuery = z.object({
  /** Only the lines after this one. */
  after_line: z.coerce.number().int().nonnegative().optional(),
});
