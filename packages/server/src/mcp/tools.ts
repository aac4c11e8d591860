import { MAX_SUBAGENT_WAIT_SECONDS, SpawnSubagentInput, type RouteName } from '@boocode/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getChat } from '../db/chats.js';
import { currentTaskOfChat, getTaskRow } from '../db/subagents.js';
import { getWorkflowRun } from '../db/workflows.js';
import { DomainError } from '../errors.js';
import type { AppContext } from '../http/context.js';
import { routeInput, type Handlers, type HandlerInput } from '../http/route.js';
import { agentHandlers } from '../http/routes/agents.js';
import { messageHandlers } from '../http/routes/messages.js';
import { sessionHandlers } from '../http/routes/sessions.js';
import { workflowHandlers } from '../http/routes/workflows.js';
import { workspaceHandlers } from '../http/routes/workspace.js';
import type { McpScope } from './token.js';

/** One tool of BooCode's MCP server: its input schema (an object), and what it does for a caller in `scope`. */
export interface McpTool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  input: S;
  run(args: z.output<S>, scope: McpScope, signal: AbortSignal): Promise<unknown>;
}

const tool = <S extends z.ZodObject>(t: McpTool<S>): McpTool => t as unknown as McpTool;

const Id = z.uuid();
const Wait = z
  .number()
  .int()
  .min(0)
  .max(MAX_SUBAGENT_WAIT_SECONDS)
  .default(0)
  .describe(`How long to wait for it to finish, in seconds (0-${MAX_SUBAGENT_WAIT_SECONDS}); 0 answers at once.`);

/**
 * The tools, as the REST API does them: each calls the route handler (or service) behind the
 * same operation, so the checks and the frames are the API's. A caller scoped to a session
 * reaches that session only; the user's main token reaches any.
 */
export function mcpTools(ctx: AppContext): McpTool[] {
  const { sql, subagents } = ctx;
  const handlers = { ...agentHandlers(ctx), ...sessionHandlers(ctx), ...messageHandlers(ctx), ...workspaceHandlers(ctx), ...workflowHandlers(ctx) };
  type Known = keyof typeof handlers & RouteName;
  // These handlers read neither the request nor the reply: an MCP call has no HTTP request of its own.
  const call = <N extends Known>(name: N, raw: { params?: unknown; query?: unknown; body?: unknown }) => {
    const handler = (handlers as unknown as Handlers<N>)[name];
    return handler(routeInput(name, raw, name) as HandlerInput<N>, undefined as unknown as FastifyRequest, undefined as unknown as FastifyReply);
  };

  const outOfScope = (scope: McpScope, what: string) =>
    new DomainError('not_found', `no ${what} in this session (this connection is scoped to session ${scope.kind === 'session' ? scope.sessionId : ''})`);

  /** The session a call is about: the caller's own when scoped (another is refused), else the one named. */
  const sessionFor = (scope: McpScope, given: string | undefined): string => {
    if (scope.kind === 'session') {
      if (given !== undefined && given !== scope.sessionId) throw outOfScope(scope, `session ${given}`);
      return scope.sessionId;
    }
    if (!given) throw new DomainError('invalid_request', 'session_id: required');
    return given;
  };
  const chatInScope = async (scope: McpScope, chatId: string) => {
    const chat = await getChat(sql, chatId);
    if (!chat || (scope.kind === 'session' && chat.session_id !== scope.sessionId)) throw outOfScope(scope, `chat ${chatId}`);
    return chat;
  };
  const taskInScope = async (scope: McpScope, taskId: string) => {
    const task = await getTaskRow(sql, taskId);
    if (!task?.session_id || (scope.kind === 'session' && task.session_id !== scope.sessionId)) throw outOfScope(scope, `task ${taskId}`);
    return task;
  };

  return [
    tool({
      name: 'list_agents',
      description: 'The agents BooCode can run (name, label, kind, whether available), for the `agent` of spawn_subagent or create_session.',
      input: z.object({}),
      run: async () => call('listAgents', { query: {} }),
    }),
    tool({
      name: 'list_sessions',
      description: 'BooCode sessions (id, project, agent, status). A connection scoped to a session sees only that one.',
      input: z.object({ project_id: Id.optional().describe('Only sessions of this project.') }),
      run: async (a, scope) => {
        if (scope.kind === 'session') return { items: [await call('getSession', { params: { id: scope.sessionId } })] };
        return call('listSessions', { query: a.project_id ? { project_id: a.project_id } : {} });
      },
    }),
    tool({
      name: 'create_session',
      description:
        "Open a new BooCode session in a project (its own worktree and first chat). Not available to an agent BooCode started: it works within its own session (use spawn_subagent).",
      input: z.object({
        project_id: Id,
        name: z.string().min(1).max(200).optional(),
        agent: z.string().min(1).max(100).optional().describe('Agent name (see list_agents); default: native.'),
        model: z.string().min(1).max(200).optional(),
      }),
      run: async (a, scope) => {
        if (scope.kind === 'session') throw new DomainError('invalid_request', 'this connection is scoped to one session and cannot open others: use spawn_subagent');
        return call('createSession', { body: a });
      },
    }),
    tool({
      name: 'send_prompt',
      description:
        "Post a prompt to a chat of a session; it queues a turn of that chat's session and returns the turn's task id at once (wait for it with wait_for_turn). Not for your own chat.",
      input: z.object({ chat_id: Id, prompt: z.string().min(1).max(1_000_000), agent: z.string().min(1).max(100).optional() }),
      run: async (a, scope) => {
        await chatInScope(scope, a.chat_id);
        if (scope.kind === 'session' && a.chat_id === scope.chatId) {
          throw new DomainError('invalid_request', 'chat_id: this is your own chat; a prompt there would wait for your own turn to end');
        }
        const posted = await call('postMessage', { params: { id: a.chat_id }, body: { content: a.prompt, ...(a.agent ? { agent: a.agent } : {}) } });
        return { task_id: posted.task.id, message_id: posted.message.id, status: posted.task.status };
      },
    }),
    tool({
      name: 'wait_for_turn',
      description: 'Wait (up to wait_seconds) for a turn (a task id from send_prompt or spawn_subagent) to end; answers with the task and its status either way.',
      input: z.object({ task_id: Id, wait_seconds: Wait }),
      run: async (a, scope, signal) => {
        await taskInScope(scope, a.task_id);
        await subagents.waitFor(a.task_id, a.wait_seconds, signal);
        return call('getTask', { params: { id: a.task_id } });
      },
    }),
    tool({
      name: 'get_messages',
      description: "A chat's latest messages, oldest first (role, content, status). A subagent's chat id comes with it from spawn_subagent.",
      input: z.object({ chat_id: Id, limit: z.number().int().min(1).max(200).default(50) }),
      run: async (a, scope) => {
        await chatInScope(scope, a.chat_id);
        const page = await call('listMessages', { params: { id: a.chat_id }, query: { limit: a.limit } });
        return page.items.map((m) => ({ id: m.id, role: m.role, status: m.status, content: m.content, task_id: m.task_id }));
      },
    }),
    tool({
      name: 'cancel',
      description: 'Cancel a turn or a subagent by its task id: a queued one never starts, a running one is aborted, and its own subagents with it.',
      input: z.object({ task_id: Id }),
      run: async (a, scope) => {
        await taskInScope(scope, a.task_id);
        return call('cancelTask', { params: { id: a.task_id } });
      },
    }),
    tool({
      name: 'spawn_subagent',
      description:
        'Start a background subagent on a self-contained task and return at once with its id (and chat id); keep working meanwhile. ' +
        'It sees none of your conversation: put everything it needs in `prompt`. By default it works in its own git worktree; ' +
        'isolation "shared" makes it work in yours. Collect its answer with subagent_result; it shows in BooCode like any subagent.',
      input: SpawnSubagentInput.extend({
        parent_task_id: Id.optional().describe('With the main token only: the turn the subagent belongs to.'),
      }),
      run: async ({ parent_task_id, ...input }, scope) => {
        let parent;
        if (scope.kind === 'session') {
          parent = await currentTaskOfChat(sql, scope.chatId);
          if (!parent) throw new DomainError('invalid_request', 'your chat has no turn to attach a subagent to');
        } else {
          if (!parent_task_id) throw new DomainError('invalid_request', 'parent_task_id: required with the main token');
          parent = await taskInScope(scope, parent_task_id);
        }
        return subagents.spawn(parent, input, null);
      },
    }),
    tool({
      name: 'subagent_status',
      description: "A subagent's status (pending, running, completed, failed, cancelled, timed_out), at once, without its answer.",
      input: z.object({ id: Id }),
      run: async (a, scope) => subagents.status((await taskInScope(scope, a.id)).session_id!, a.id),
    }),
    tool({
      name: 'subagent_result',
      description: "A subagent's final answer (`text`). While it still runs, waits up to wait_seconds, then answers with its status and text null.",
      input: z.object({ id: Id, wait_seconds: Wait }),
      run: async (a, scope, signal) => subagents.result((await taskInScope(scope, a.id)).session_id!, a.id, a.wait_seconds, signal),
    }),
    tool({
      name: 'list_subagents',
      description: "The session's subagents, newest first, with ids, statuses, agents and usage.",
      input: z.object({ session_id: Id.optional().describe('With the main token only: whose subagents.') }),
      run: async (a, scope) => ({ items: await subagents.list(sessionFor(scope, a.session_id)) }),
    }),
    tool({
      name: 'get_diff',
      description:
        "The live diff of the session's worktree against its base commit (files, additions, deletions, patch); null without a worktree. " +
        "With subagent_id: what that subagent changed in its own worktree (an error for one sharing the session's worktree).",
      input: z.object({
        session_id: Id.optional().describe('With the main token only: whose diff.'),
        subagent_id: Id.optional().describe("A subagent's id (from spawn_subagent): its own worktree's diff instead of the session's."),
      }),
      run: async (a, scope) => {
        if (!a.subagent_id) return call('getSessionDiff', { params: { id: sessionFor(scope, a.session_id) } });
        await taskInScope(scope, a.subagent_id);
        return subagents.diff(a.subagent_id);
      },
    }),
    tool({
      name: 'run_workflow',
      description: 'Start a workflow run in the session: a workflow by name (see the project\'s .boocode/workflows) or a script; returns the run at once.',
      input: z.object({
        session_id: Id.optional().describe('With the main token only: where it runs.'),
        name: z.string().min(1).max(200).optional(),
        script: z.string().min(1).max(1_000_000).optional(),
        args: z.unknown().optional(),
      }),
      run: async ({ session_id, ...body }, scope) => call('startWorkflowRun', { params: { id: sessionFor(scope, session_id) }, body }),
    }),
    tool({
      name: 'workflow_status',
      description: 'A workflow run with its agents (status, result, usage).',
      input: z.object({ run_id: Id }),
      run: async (a, scope) => {
        const run = await getWorkflowRun(sql, a.run_id);
        if (!run || (scope.kind === 'session' && run.session_id !== scope.sessionId)) throw outOfScope(scope, `workflow run ${a.run_id}`);
        return call('getWorkflowRun', { params: { id: a.run_id } });
      },
    }),
  ];
}
