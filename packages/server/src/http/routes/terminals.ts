import type { Handlers } from '../route.js';
import type { AppContext } from '../context.js';
import { DomainError, notFound } from '../../errors.js';
import { getProject } from '../../db/projects.js';
import { getSession } from '../../db/sessions.js';

export function terminalHandlers(
  ctx: AppContext,
): Handlers<'listAllTerminals' | 'listTerminals' | 'createTerminal' | 'getTerminal' | 'renameTerminal' | 'killTerminal' | 'resizeTerminal' | 'sendTerminalKeys' | 'captureTerminal' | 'searchTerminal'> {
  const { sql, terminals } = ctx;
  return {
    listAllTerminals: async () => ({ items: await terminals.list() }),
    listTerminals: async ({ params }) => {
      if (!(await getSession(sql, params.id))) throw notFound('session', params.id);
      return { items: await terminals.list(params.id) };
    },
    createTerminal: async ({ params, body }) => {
      const session = await getSession(sql, params.id);
      if (!session) throw notFound('session', params.id);
      if (session.status === 'archived') throw new DomainError('session_archived', `session ${session.id} is archived`);
      const project = await getProject(sql, session.project_id);
      if (!project) throw notFound('project', session.project_id);
      // Before the worktree is made: without tmux there is nothing to make it for.
      await terminals.ensureAvailable();
      const cwd = await ctx.workspace.prepare(session, project, {
        onOutput: (chunk) => ctx.broker.publish(session.id, { type: 'setup_output', stream: chunk.stream, text: chunk.text }),
      });
      return terminals.create({ sessionId: session.id, cwd, ...body });
    },
    getTerminal: async ({ params }) => terminals.get(params.id),
    renameTerminal: async ({ params, body }) => terminals.rename(params.id, body.name),
    killTerminal: async ({ params }) => {
      await terminals.kill(params.id);
    },
    resizeTerminal: async ({ params, body }) => {
      await terminals.resize(params.id, body);
      return terminals.get(params.id);
    },
    sendTerminalKeys: async ({ params, body }) => {
      await terminals.sendKeys(params.id, body);
    },
    captureTerminal: async ({ params, query }) => ({ text: await terminals.capture(params.id, query) }),
    searchTerminal: async ({ params, body }) => terminals.search(params.id, body),
  };
}
