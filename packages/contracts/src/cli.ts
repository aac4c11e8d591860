import { z } from 'zod';
import { HealthResponse, Id } from './common.js';
import { Chat, Message, Project, Session, Task } from './rest.js';
import { AgentInfo, AgentModel } from './agents.js';
import { PendingChange } from './git.js';
import { Permission, ToolTrace } from './runner.js';
import { SessionFrame } from './frames.js';
import { WorkflowLogLine, WorkflowRun, WorkflowRunAgent, WorkflowRunDetail } from './workflows.js';

/**
 * What `boocode <command> --json` prints when it is not an API response as it came. Scripts
 * parse these, so they follow the same rule as frames: fields are only ever added.
 */

/** `boocode status`: where the server is, what it runs on, which agents it offers. */
export const CliStatus = z.object({
  url: z.string(),
  /** The version of the `boocode` command itself. */
  cli_version: z.string(),
  server: HealthResponse,
  agents: z.array(AgentInfo),
});
export type CliStatus = z.infer<typeof CliStatus>;

/** `boocode login-url`. */
export const CliLoginUrl = z.object({ url: z.string() });
export type CliLoginUrl = z.infer<typeof CliLoginUrl>;

/** `boocode agents models <agent>`. */
export const CliAgentModels = z.object({ agent: z.string(), items: z.array(AgentModel) });
export type CliAgentModels = z.infer<typeof CliAgentModels>;

/**
 * `boocode run` and `boocode send`: the session, the turn's task as it stands when the command
 * returns (still `pending` with `--detach`), and the agent's answer once the turn ended.
 */
export const CliTurn = z.object({ session: Session, task: Task, answer: Message.nullable() });
export type CliTurn = z.infer<typeof CliTurn>;

/** `boocode wait`: like `CliTurn`, for the session's last turn; `task` is null when it never had one. */
export const CliWait = z.object({ session: Session, task: Task.nullable(), answer: Message.nullable() });
export type CliWait = z.infer<typeof CliWait>;

/** `boocode stop`: the tasks that were asked to stop (empty when nothing was running or queued). */
export const CliStop = z.object({ cancelled: z.array(Id) });
export type CliStop = z.infer<typeof CliStop>;

/** A pending change without its patch (`boocode diff` prints the patch). */
export const PendingChangeSummary = PendingChange.omit({ patch: true });
export type PendingChangeSummary = z.infer<typeof PendingChangeSummary>;

/** `boocode inspect`: a session with what belongs to it. */
export const CliSessionOverview = z.object({
  session: Session,
  project: Project,
  chats: z.array(Chat),
  /** The newest tasks first. */
  tasks: z.array(Task),
  pending_change: PendingChangeSummary.nullable(),
  /** Permission requests waiting for an answer. */
  permissions: z.array(Permission),
});
export type CliSessionOverview = z.infer<typeof CliSessionOverview>;

/**
 * One line of `boocode logs --json` (JSON Lines): first the stored history (messages oldest first,
 * each followed by its tool calls and permission requests), then, with `-f`, the live frames.
 */
export const CliLogEntry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: Message }),
  z.object({ type: z.literal('trace'), trace: ToolTrace }),
  z.object({ type: z.literal('permission'), permission: Permission }),
  z.object({ type: z.literal('frame'), frame: SessionFrame }),
]);
export type CliLogEntry = z.infer<typeof CliLogEntry>;

/**
 * `boocode workflow run` and `workflow resume`: the session the run is in and the run with its
 * agents, as it stands when the command returns (`pending` unless `--wait`).
 */
export const CliWorkflowRun = z.object({ session: Session, run: WorkflowRunDetail });
export type CliWorkflowRun = z.infer<typeof CliWorkflowRun>;

/**
 * One line of `boocode workflow logs --json` (JSON Lines): the run as it stands, each of its agents
 * so far in start order, the log lines it stored so far, then, with `-f`, the run's live frames (`workflow_*`, and the permission
 * requests of the session) until it ends.
 */
export const CliWorkflowLogEntry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), run: WorkflowRun }),
  z.object({ type: z.literal('agent'), agent: WorkflowRunAgent }),
  z.object({ type: z.literal('log'), log: WorkflowLogLine }),
  z.object({ type: z.literal('frame'), frame: SessionFrame }),
]);
export type CliWorkflowLogEntry = z.infer<typeof CliWorkflowLogEntry>;
