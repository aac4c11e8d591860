import type { Session } from '@boocode/contracts';
import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { closeSessionAgents } from '../../agents/close-sessions.js';
import { notFound } from '../../errors.js';
import { getProject } from '../../db/projects.js';
import { getSession, insertSession, listSessions, updateSession } from '../../db/sessions.js';
import { getChat, insertChat, listChats, renameChat } from '../../db/chats.js';
import { listMessages } from '../../db/messages.js';
import { chatUsage } from '../../db/traces.js';
import { listChatAgentSessions } from '../../db/agent-sessions.js';
import { announceSession, updateAttention } from '../../stream/attention.js';
import { checkSessionMode } from '../../agents/session-mode.js';
import { cancelSessionWorkflowRuns, toWorkflowRun } from '../../db/workflows.js';

export function sessionHandlers(ctx: AppContext): Handlers<'createSession' | 'listSessions' | 'getSession' | 'updateSession' | 'unarchiveSession' | 'markSessionSeen' | 'archiveSession' | 'createChat' | 'listChats' | 'renameChat' | 'getChat'> {
  const { sql, broker } = ctx;
  const announce = (session: Session) => announceSession(broker, session);
  return {
    createSession: async ({ body }) => {
      if (!(await getProject(sql, body.project_id))) throw notFound('project', body.project_id);
      const { session } = await insertSession(sql, {
        project_id: body.project_id,
        name: body.name ?? `Session ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
        agent: body.agent,
        model: body.model ?? null,
        permission_policy: body.permission_policy,
        isolated: body.isolated,
        base_branch: body.base_branch ?? null,
        named: body.name !== undefined,
      });
      broker.publishUser({ type: 'session_created', session });
      ctx.log.info({ session_id: session.id, project_id: session.project_id, agent: session.agent }, 'session created');
      return session;
    },
    listSessions: async ({ query }) => ({ items: await listSessions(sql, query) }),
    getSession: async ({ params }) => (await getSession(sql, params.id)) ?? Promise.reject(notFound('session', params.id)),
    updateSession: async ({ params, body }) => {
      const current = await getSession(sql, params.id);
      if (!current) throw notFound('session', params.id);
      const agent = body.agent ?? current.agent;
      if (body.mode) await checkSessionMode(sql, ctx.registry, current, agent, body.mode);
      // Another agent's modes are its own: a mode chosen for the previous one is dropped.
      const patch = body.agent !== undefined && body.agent !== current.agent && body.mode === undefined ? { ...body, mode: null } : body;
      const session = await updateSession(sql, params.id, patch);
      if (!session) throw notFound('session', params.id);
      announce(session);
      return session;
    },
    unarchiveSession: async ({ params }) => {
      // Nothing else to undo: the worktree is made again, as for a new session, when a turn needs it.
      const session = await updateSession(sql, params.id, { status: 'open' });
      if (!session) throw notFound('session', params.id);
      announce(session);
      ctx.log.info({ session_id: session.id }, 'session unarchived');
      return session;
    },
    markSessionSeen: async ({ params }) => {
      const seen = await updateAttention(sql, broker, params.id, null, { only: ['finished', 'failed'] });
      return seen ?? (await getSession(sql, params.id)) ?? Promise.reject(notFound('session', params.id));
    },
    archiveSession: async ({ params, body }) => {
      const open = await getSession(sql, params.id);
      if (!open) throw notFound('session', params.id);
      // Taken while the session still counts: the sessions it collided with are told once it no longer does.
      const previously = await ctx.workspace.collisions(open.project_id);
      const session = await updateSession(sql, params.id, { status: 'archived' });
      if (!session) throw notFound('session', params.id);
      // Its workflow runs first, so they start no agent after its tasks are cancelled.
      for (const run of await cancelSessionWorkflowRuns(sql, session.id)) broker.publish(session.id, { type: 'workflow_run', run: toWorkflowRun(run) });
      await ctx.tasks.cancelSession(session.id);
      await closeSessionAgents(ctx, session.id);
      // Before the worktree goes: no shell is left in it.
      await ctx.terminals.killSession(session.id).catch((err: unknown) => ctx.log.warn({ err, session_id: session.id }, 'killing the terminals of an archived session failed'));
      await ctx.workspace.archive(session, { keepBranch: body.keep_branch });
      await ctx.workspace.collisionsCleared(session, previously);
      announce(session);
      ctx.log.info({ session_id: session.id }, 'session archived');
      return session;
    },
    createChat: async ({ params, body }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      const chat = await insertChat(sql, params.id, body.name);
      broker.publish(params.id, { type: 'chat_created', chat });
      return chat;
    },
    listChats: async ({ params, query }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      const items = await listChats(sql, params.id);
      const first = items[0];
      if (!query.first_messages || !first) return { items };
      const [messages, usage, agents] = await Promise.all([
        listMessages(sql, first.id, { limit: query.first_messages }),
        chatUsage(sql, first.id),
        listChatAgentSessions(sql, first.id),
      ]);
      return { items, first: { chat_id: first.id, messages, usage, agent_sessions: { items: agents } } };
    },
    renameChat: async ({ params, body }) => {
      const chat = await renameChat(sql, params.id, body.name);
      if (!chat) throw notFound('chat', params.id);
      broker.publish(chat.session_id, { type: 'chat_renamed', chat_id: chat.id, name: chat.name });
      return chat;
    },
    getChat: async ({ params }) => (await getChat(sql, params.id)) ?? Promise.reject(notFound('chat', params.id)),
  };
}
