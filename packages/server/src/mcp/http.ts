import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Id, MCP_PATH, MCP_SESSION_HEADER } from '@boocode/contracts';
import { getChat, listChats } from '../db/chats.js';
import { DomainError } from '../errors.js';
import type { AppContext } from '../http/context.js';
import type { Logger } from '../logger.js';
import type { McpScope, McpTokens } from './token.js';
import { mcpTools, type McpTool } from './tools.js';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One MCP server per request: stateless, so any process behind the same database can answer. */
function serverFor(tools: McpTool[], scope: McpScope, version: string, log: Logger): McpServer {
  const server = new McpServer({ name: 'boocode', version });
  for (const t of tools) {
    server.registerTool(t.name, { description: t.description, inputSchema: t.input.shape }, async (args, extra) => {
      try {
        const out = await t.run(t.input.parse(args), scope, extra.signal);
        return { content: [{ type: 'text' as const, text: JSON.stringify(out ?? null, null, 2) }] };
      } catch (err) {
        // A refusal or a bad id reads as the API's message; the agent can correct itself.
        if (!(err instanceof DomainError)) log.warn({ err, tool: t.name }, 'MCP tool failed');
        return { content: [{ type: 'text' as const, text: `${t.name}: ${errorText(err)}` }], isError: true };
      }
    });
  }
  return server;
}

/**
 * `/api/mcp`: the main token reaches every session; a token BooCode minted for an agent reaches
 * that agent's session only, and nothing else of the API (the global token check refuses it).
 */
export function registerMcp(app: FastifyInstance, ctx: AppContext, tokens: McpTokens): void {
  const tools = mcpTools(ctx);
  /** The main token's connection narrowed to one session, as an agent of its first chat sees it. */
  const narrowed = async (scope: McpScope, header: string | string[]): Promise<McpScope> => {
    const sessionId = (Array.isArray(header) ? header[0] : header) ?? '';
    if (scope.kind === 'session') {
      if (sessionId === scope.sessionId) return scope;
      throw new DomainError('unauthorized', `${MCP_SESSION_HEADER}: this MCP token is scoped to session ${scope.sessionId}`);
    }
    const [first] = Id.safeParse(sessionId).success ? await listChats(ctx.sql, sessionId) : [];
    if (!first) throw new DomainError('not_found', `${MCP_SESSION_HEADER}: no session ${sessionId}`);
    return { kind: 'session', sessionId, chatId: first.id };
  };
  const log = ctx.log.child({ component: 'mcp' });
  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    // The main token as it is now (it can be rotated while the server runs).
    let scope: McpScope | null = bearer === null ? null : ctx.auth.checkToken(bearer) ? { kind: 'full' } : tokens.scopeOf(bearer);
    if (!scope) throw new DomainError('unauthorized', 'missing or wrong token: send Authorization: Bearer <token> (the main token, or the MCP token BooCode gave the agent)');
    const narrowTo = req.headers[MCP_SESSION_HEADER];
    if (narrowTo !== undefined) scope = await narrowed(scope, narrowTo);
    // A scoped token outlives nothing: its chat (and session) must still be there.
    if (scope.kind === 'session' && (await getChat(ctx.sql, scope.chatId))?.session_id !== scope.sessionId) {
      throw new DomainError('unauthorized', 'this MCP token names a chat that no longer exists');
    }
    const server = serverFor(tools, scope, ctx.version, log);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req.raw, reply.raw, req.body);
  };
  app.post(MCP_PATH, handle);
  // Stateless: no stream of server-initiated messages and no session to end. Clients take 405 as "none".
  const none = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.code(405).header('allow', 'POST').send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP server is stateless; POST only' }, id: null });
  app.get(MCP_PATH, none);
  app.delete(MCP_PATH, none);
}
