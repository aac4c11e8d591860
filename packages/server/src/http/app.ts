import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { MCP_PATH, routes, type RouteDef } from '@boocode/contracts';
import type { AppContext } from './context.js';
import { DomainError } from '../errors.js';
import { ERROR_STATUS, errorBody } from './errors.js';
import { implementAll } from './route.js';
import { metaHandlers } from './routes/meta.js';
import { projectHandlers } from './routes/projects.js';
import { sessionHandlers } from './routes/sessions.js';
import { messageHandlers } from './routes/messages.js';
import { registerStreams, type StreamOptions } from './ws.js';
import { traceHandlers } from './routes/traces.js';
import { permissionHandlers } from './routes/permissions.js';
import { agentHandlers } from './routes/agents.js';
import { workspaceHandlers } from './routes/workspace.js';
import { idHandlers } from './routes/ids.js';
import { workflowHandlers } from './routes/workflows.js';
import { terminalHandlers } from './routes/terminals.js';
import { subagentHandlers } from './routes/subagents.js';
import { searchHandlers } from './routes/search.js';
import { imageHandlers } from './routes/images.js';
import { registerTerminalStream } from './terminal-stream.js';
import { registerMcp } from '../mcp/http.js';

/** `METHOD /path` of the routes that answer without a token. */
const PUBLIC_ROUTES = new Set(
  Object.values(routes as Record<string, RouteDef>)
    .filter((r) => r.auth === false)
    .map((r) => `${r.method} ${r.path}`),
);
/** Fastify answers HEAD for every GET route. */
const routeKey = (method: string, path: string) => `${method === 'HEAD' ? 'GET' : method} ${path}`;

/** The path as the router sees it, or null when it does not decode (then: treat as protected). */
function decodedPath(url: string): string | null {
  try {
    return decodeURIComponent(url.split('?')[0] ?? '');
  } catch {
    return null;
  }
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
function loopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return LOOPBACK_NAMES.has(name.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(name);
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The built web UI, when present (packages/web/dist next to this package). */
export const DEFAULT_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

export interface AppOptions {
  webDir?: string;
  /** Bound to a loopback address: refuse requests for other host names. */
  loopbackOnly?: boolean;
  stream: Omit<StreamOptions, 'broker' | 'version' | 'sql' | 'log' | 'inFlight' | 'flush' | 'activities'>;
}

export async function buildApp(ctx: AppContext, opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    // Per-request info lines would drown the turn logs; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 32 * 1024 * 1024,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });
  // JSON bodies must be well-formed UTF-8: decoded leniently, a broken byte would silently become U+FFFD
  // (typed into a terminal, stored in a message) instead of being refused.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    let text: string;
    try {
      text = STRICT_UTF8.decode(body);
    } catch {
      return done(new DomainError('invalid_request', 'body: is not valid UTF-8'), undefined);
    }
    parseJson(req, text, done);
  });

  app.addHook('onRequest', async (req) => {
    // A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) would be
    // same-origin to the browser: a loopback server answers only to loopback host names.
    if (opts.loopbackOnly && !loopbackHost(req.headers.host)) {
      throw new DomainError('forbidden_host', `host ${req.headers.host ?? '(none)'} is not this server; use 127.0.0.1 or localhost`);
    }
    // Decide on the route the router matched (it decodes %xx), never on the raw URL text.
    const path = req.routeOptions.url ?? decodedPath(req.url);
    if (path !== null && (!path.startsWith('/api/') || PUBLIC_ROUTES.has(routeKey(req.method, path)))) return;
    // The MCP endpoint checks its own tokens: the main one, or one scoped to an agent's session.
    if (path === MCP_PATH) return;
    if (!(await ctx.auth.isAuthorized(req))) throw new DomainError('unauthorized', 'missing or wrong token: send Authorization: Bearer <token>');
  });

  app.setErrorHandler((err: FastifyError | DomainError, req, reply) => {
    if (err instanceof DomainError) return reply.code(ERROR_STATUS[err.code]).send(errorBody(err));
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: bad JSON, wrong content type, body too large.
      const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
      return reply.code(ERROR_STATUS[code]).send(errorBody(new DomainError(code, `body: ${err.message}`)));
    }
    req.log.error({ err, url: req.url }, 'request failed');
    return reply.code(ERROR_STATUS.internal).send(errorBody(new DomainError('internal', 'internal server error')));
  });

  implementAll(app, {
    ...metaHandlers(ctx),
    ...projectHandlers(ctx),
    ...sessionHandlers(ctx),
    ...messageHandlers(ctx),
    ...traceHandlers(ctx),
    ...permissionHandlers(ctx),
    ...agentHandlers(ctx),
    ...workspaceHandlers(ctx),
    ...idHandlers(ctx),
    ...workflowHandlers(ctx),
    ...terminalHandlers(ctx),
    ...subagentHandlers(ctx),
    ...searchHandlers(ctx),
    ...imageHandlers(ctx),
  });
  registerStreams(app, { ...opts.stream, version: ctx.version, broker: ctx.broker, sql: ctx.sql, log: ctx.log, inFlight: (id) => ctx.tasks.inFlight(id), flush: (id) => ctx.streaming.flush(id), activities: () => ctx.tasks.activities() });
  registerTerminalStream(app, { ...opts.stream, version: ctx.version, log: ctx.log, terminals: ctx.terminals });
  registerMcp(app, ctx, ctx.mcpTokens);

  const webDir = opts.webDir ?? DEFAULT_WEB_DIR;
  const hasWeb = existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, wildcard: false });
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '';
    if (url.startsWith('/api/') || req.method !== 'GET') {
      return reply.code(ERROR_STATUS.not_found).send(errorBody(new DomainError('not_found', `no route ${req.method} ${url}`)));
    }
    // Client-side routes of the single-page app.
    if (hasWeb) return reply.sendFile('index.html');
    return reply.code(404).type('text/plain').send('The web UI is not built: run `npm run build`.');
  });
  return app;
}
