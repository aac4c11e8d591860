import { z } from 'zod';
import { Id, storableText, Timestamp, Usage } from './common.js';
import { TaskStatus } from './rest.js';

/**
 * Background subagents: a running turn hands work to another agent and collects the result later.
 * A child is a task of its parent's session, in a chat of its own.
 */

/** `worktree`: the child works in its own worktree, cut from the session worktree's HEAD; `shared`: in the parent's. */
export const SubagentIsolation = z.enum(['worktree', 'shared']);
export type SubagentIsolation = z.infer<typeof SubagentIsolation>;

export const SpawnSubagentInput = z.object({
  prompt: z.string().trim().min(1, 'must not be empty').max(200_000).superRefine(storableText).describe('The whole task for the subagent: it sees nothing of your conversation.'),
  agent: z.string().min(1).max(100).superRefine(storableText).optional().describe("Which agent runs it (a name from list_agents); default: this session's agent."),
  model: z.string().min(1).max(200).superRefine(storableText).optional().describe("Model for the subagent; default: the session's model."),
  label: z.string().trim().min(1).max(100).superRefine(storableText).optional().describe('A short name shown in the background agents pane.'),
  isolation: SubagentIsolation.default('worktree').describe(
    '"worktree" (default): the subagent works in its own git worktree and its changes stay there for review; "shared": it works in your worktree, next to you.',
  ),
});
export type SpawnSubagentInput = z.input<typeof SpawnSubagentInput>;

export const Subagent = z.object({
  id: Id,
  parent_task_id: Id.nullable(),
  session_id: Id,
  /** The child's own chat: its transcript. */
  chat_id: Id,
  label: z.string().nullable(),
  agent: z.string(),
  model: z.string().nullable(),
  status: TaskStatus,
  error: z.string().nullable(),
  isolation: SubagentIsolation,
  /** 1 for a child of a session's own turn, 2 for a grandchild... */
  depth: z.number().int().positive(),
  /** The tool call that spawned it, in the parent's turn (null: spawned through the API). */
  spawn_tool_call_id: z.string().nullable(),
  usage: Usage,
  created_at: Timestamp,
  started_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
});
export type Subagent = z.infer<typeof Subagent>;

/** A child with its final answer: `text` is null until it has ended (and when it ended without one). */
export const SubagentResult = Subagent.extend({ text: z.string().nullable() });
export type SubagentResult = z.infer<typeof SubagentResult>;

export const SubagentList = z.object({ items: z.array(Subagent) });
export type SubagentList = z.infer<typeof SubagentList>;

/** How long `subagent_result` may wait for a running child before answering with its status. */
export const MAX_SUBAGENT_WAIT_SECONDS = 600;

export const SubagentResultQuery = z.object({
  wait_seconds: z.coerce.number().int().min(0).max(MAX_SUBAGENT_WAIT_SECONDS).default(0),
});

/** Statuses after which a task never changes again. */
export const ENDED_TASK_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'timed_out']);

/**
 * What a running turn may do with subagents, bound to that turn (its task is the parent). The
 * server hands it to the native agent through PromptCtx; refusals (a limit, an unknown id) throw
 * an Error whose message is written for the model.
 */
export interface SubagentControl {
  spawn(input: z.output<typeof SpawnSubagentInput>, toolCallId: string | null): Promise<Subagent>;
  status(id: string): Promise<Subagent>;
  /** Waits up to `waitSeconds` for the child to end, then answers with what it has. */
  result(id: string, waitSeconds: number, signal: AbortSignal | undefined): Promise<SubagentResult>;
  /** The children of this turn's session, newest first. */
  list(): Promise<Subagent[]>;
}

/** Where BooCode's MCP server answers over Streamable HTTP. */
export const MCP_PATH = '/api/mcp';

/**
 * A caller with the main token narrows its MCP connection to one session with this header (what
 * `boocode mcp --session` sends): it then acts as an agent of that session's first chat would.
 */
export const MCP_SESSION_HEADER = 'x-boocode-session';
