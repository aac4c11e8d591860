import type { Chat, Message, Project, Session, Task, Usage } from '@boocode/contracts';

/** Columns shared by messages and tasks that hold normalized usage. */
export interface UsageColumns {
  input_tokens: number;
  no_cache_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
}

/**
 * A timestamp column: a Date from the driver, or text when the row came back as jsonb (`to_jsonb`
 * lets one statement return rows of several tables).
 */
export type Stamp = Date | string;

export const iso = (d: Stamp): string => new Date(d).toISOString();
export const isoOrNull = (d: Stamp | null): string | null => (d === null ? null : iso(d));

export function usageOf(r: UsageColumns): Usage {
  return {
    input_total: r.input_tokens,
    no_cache: r.no_cache_tokens,
    cache_read: r.cache_read_tokens,
    cache_write: r.cache_write_tokens,
    output: r.output_tokens,
    reasoning: r.reasoning_tokens,
  };
}

export interface ProjectRow {
  id: string;
  name: string;
  path: string;
  created_at: Stamp;
}
export const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, path: r.path, created_at: iso(r.created_at) });

export interface SessionRow {
  id: string;
  project_id: string;
  name: string;
  agent: string;
  model: string | null;
  mode: string | null;
  status: Session['status'];
  permission_policy: Session['permission_policy'];
  isolated: boolean;
  base_branch: string | null;
  subagent_followup: boolean;
  attention: Session['attention'];
  policy_support: Session['policy_support'];
  created_at: Stamp;
  updated_at: Stamp;
}
export const toSession = (r: SessionRow): Session => ({
  id: r.id,
  project_id: r.project_id,
  name: r.name,
  agent: r.agent,
  model: r.model,
  mode: r.mode,
  status: r.status,
  permission_policy: r.permission_policy,
  isolated: r.isolated,
  base_branch: r.base_branch,
  subagent_followup: r.subagent_followup,
  attention: r.attention,
  policy_support: r.policy_support ?? null,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

export interface ChatRow {
  id: string;
  session_id: string;
  name: string;
  created_at: Stamp;
}
export const toChat = (r: ChatRow): Chat => ({ id: r.id, session_id: r.session_id, name: r.name, created_at: iso(r.created_at) });

export interface MessageRow extends UsageColumns {
  id: string;
  pos: string;
  chat_id: string;
  session_id: string;
  task_id: string | null;
  role: Message['role'];
  content: string;
  reasoning: string;
  status: Message['status'];
  model: string | null;
  turn: number | null;
  started_at: Stamp;
  finished_at: Stamp | null;
  metadata: Record<string, unknown>;
  content_seq: string | null;
  usage_reported: boolean;
}
/**
 * The columns a MessageRow is read from, named rather than `*`: the table also stores the search
 * vector, about as long as the text and of no use outside search.
 */
export const MESSAGE_COLUMNS = [
  'id', 'pos', 'chat_id', 'session_id', 'task_id', 'role', 'content', 'reasoning', 'status', 'model', 'turn', 'started_at',
  'finished_at', 'metadata', 'content_seq', 'usage_reported', 'input_tokens', 'no_cache_tokens', 'cache_read_tokens',
  'cache_write_tokens', 'output_tokens', 'reasoning_tokens',
] as const satisfies readonly (keyof MessageRow)[];

export const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  chat_id: r.chat_id,
  session_id: r.session_id,
  task_id: r.task_id,
  role: r.role,
  content: r.content,
  reasoning: r.reasoning,
  status: r.status,
  model: r.model,
  turn: r.turn,
  usage: usageOf(r),
  ...(r.usage_reported ? {} : { usage_reported: false }),
  started_at: iso(r.started_at),
  finished_at: isoOrNull(r.finished_at),
  metadata: r.metadata,
  content_seq: r.content_seq === null ? null : Number(r.content_seq),
  cursor: String(r.pos),
});

export interface TaskRow extends UsageColumns {
  id: string;
  project_id: string;
  session_id: string | null;
  chat_id: string | null;
  message_id: string | null;
  agent: string;
  model: string | null;
  input: unknown;
  status: Task['status'];
  attempts: number;
  max_attempts: number;
  error: string | null;
  output_summary: string | null;
  lease_owner: string | null;
  cancel_requested: boolean;
  /** Set for the task of a workflow's agent() call. */
  workflow_run_id: string | null;
  /** Set for a background subagent: the turn that spawned it. */
  parent_task_id: string | null;
  subagent_label: string | null;
  subagent_depth: number;
  subagent_worktree: string | null;
  /** The commit a subagent's own worktree was cut from: its diff is taken against it. */
  subagent_base_commit: string | null;
  spawn_tool_call_id: string | null;
  /** W3C traceparent of the span this task's turn starts under (a subagent's spawning call). */
  traceparent: string | null;
  /** An interrupted turn queued to continue: the assistant message it keeps writing into. */
  resume_message_id: string | null;
  /** How often the turn was continued after an interruption. */
  resumes: number;
  created_at: Stamp;
  started_at: Stamp | null;
  finished_at: Stamp | null;
}
export const toTask = (r: TaskRow): Task => ({
  id: r.id,
  project_id: r.project_id,
  session_id: r.session_id,
  chat_id: r.chat_id,
  message_id: r.message_id,
  agent: r.agent,
  model: r.model,
  status: r.status,
  attempts: r.attempts,
  max_attempts: r.max_attempts,
  error: r.error,
  output_summary: r.output_summary,
  usage: usageOf(r),
  created_at: iso(r.created_at),
  started_at: isoOrNull(r.started_at),
  finished_at: isoOrNull(r.finished_at),
});
