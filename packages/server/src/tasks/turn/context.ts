import type { HistoryMessage, InputPart, Project, Session } from '@boocode/contracts';
import type { Sql } from '../../db/connection.js';
import type { TaskRow } from '../../db/rows.js';
import type { ResumePoint } from '../../db/tasks.js';
import type { WorktreeRow } from '../../db/workspaces.js';
import type { BackendPool } from '../../agents/backend-pool.js';
import type { AgentRegistry } from '../../agents/registry.js';
import type { Logger } from '../../logger.js';
import type { PermissionCenter } from '../../permissions/center.js';
import type { Broker } from '../../stream/broker.js';
import type { MessageWriter } from '../../stream/message-writer.js';
import type { StreamingMessages } from '../../stream/streaming-messages.js';
import type { Telemetry, TurnSpan } from '../../telemetry/telemetry.js';
import type { PriceBook } from '../../usage/prices.js';
import type { Workspace } from '../../workspace/workspace.js';
import type { TurnEvents } from './events.js';
import type { Subagents } from '../../subagents/service.js';
import type { McpEndpoint } from '../../mcp/endpoint.js';

export interface RunnerDeps {
  sql: Sql;
  broker: Broker;
  log: Logger;
  pool: BackendPool;
  registry: AgentRegistry;
  permissions: PermissionCenter;
  workspace: Workspace;
  workerId: string;
  /** Coalescing interval of streamed message writes. */
  writeIntervalMs: number;
  streaming: StreamingMessages;
  /** Prices usage that agents report without a cost. */
  prices: PriceBook;
  /** OpenTelemetry export; null when off. */
  telemetry: Telemetry | null;
  subagents: Subagents;
  mcp: McpEndpoint;
}

/** Why a run was aborted from outside: the user, this process shutting down, a lost lease, the turn timeout. */
export type AbortReason = 'cancel' | 'shutdown' | 'lease_lost' | 'timeout';

/** How a turn ends; `pending` queues its task again. */
export interface TurnEnding {
  status: 'completed' | 'failed' | 'cancelled' | 'timed_out' | 'pending';
  error: string | null;
  /** Kept in the assistant message's metadata. */
  extra?: Record<string, unknown>;
  /** For `pending`: when the task may run again. */
  retryInMs?: number;
  /** For `pending`: the agent had answered something; the turn continues in the same message. */
  resume?: boolean;
}

/** A claimed task made ready to run: its records read, its assistant message opened. */
export interface Turn {
  deps: RunnerDeps;
  task: TaskRow;
  log: Logger;
  session: Session;
  project: Project;
  chatId: string;
  turn: number;
  parts: InputPart[];
  /** An isolated workflow agent's own worktree, where it works instead of the session's (null: the session's). */
  cwd: string | null;
  /** The session's worktree row as read at claim time (null: none yet). */
  worktree: WorktreeRow | null;
  resumeToken: string | null;
  /** The title the agent last reported in the session `resumeToken` names (stored agent state). */
  agentTitle: string | null;
  history: HistoryMessage[];
  /** A turn interrupted by a restart, continuing in its message: where it had got to, and since when. */
  resume: (ResumePoint & { at: string }) | null;
  messageId: string;
  writer: MessageWriter;
  events: TurnEvents;
  /** The turn's `invoke_agent` span; null when telemetry is off. */
  span: TurnSpan | null;
}

/** Publishes the task's state on the session stream and the user stream. */
export function announceTask(deps: RunnerDeps, task: TaskRow, chatId: string | null, status: TaskRow['status'], error: string | null = null): void {
  if (task.session_id) deps.broker.publish(task.session_id, { type: 'task_state', task_id: task.id, chat_id: chatId, status, error });
  deps.broker.publishUser({ type: 'task_state', task_id: task.id, session_id: task.session_id, chat_id: chatId, status, error });
}

export function announceActivity(deps: RunnerDeps, session: Session, activity: 'idle' | 'running' | 'awaiting_permission' | 'failed'): void {
  deps.broker.publishUser({ type: 'session_activity', session_id: session.id, project_id: session.project_id, activity });
}
