import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import type { AppContext } from './context.js';
import { ApiError } from './errors.js';
import { registerMetaRoutes } from './routes/meta.js';
import { registerProjectRoutes } from './routes/projects.js';
import { registerSessionRoutes } from './routes/sessions.js';
import { registerMessageRoutes } from './routes/messages.js';
import { registerStreams, type StreamOptions } from './ws.js';
import { registerTraceRoutes } from './routes/traces.js';
import { registerPermissionRoutes } from './routes/permissions.js';
import { registerAgentRoutes } from './routes/agents.js';
import { registerWorkspaceRoutes } from './routes/workspace.js';

const PUBLIC_API = new Set(['/api/health', '/api/auth/login']);

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

/** The built web UI, when present (packages/web/dist next to this package). */
export const DEFAULT_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

export interface AppOptions {
  webDir?: string;
  /** Bound to a loopback address: refuse requests for other host names. */
  loopbackOnly?: boolean;
  stream: Omit<StreamOptions, 'broker' | 'version' | 'sql' | 'log' | 'inFlight' | 'flush' | 'activities'>;
  /** Extra route modules (later domains plug in here). */
  plugins?: ((app: FastifyInstance, ctx: AppContext) => void)[];
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

  app.addHook('onRequest', async (req) => {
    // A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) would be
    // same-origin to the browser: a loopback server answers only to loopback host names.
    if (opts.loopbackOnly && !loopbackHost(req.headers.host)) {
      throw new ApiError(403, 'forbidden_host', `host ${req.headers.host ?? '(none)'} is not this server; use 127.0.0.1 or localhost`);
    }
    // Decide on the route the router matched (it decodes %xx), never on the raw URL text.
    const path = req.routeOptions.url ?? decodedPath(req.url);
    if (path !== null && (!path.startsWith('/api/') || PUBLIC_API.has(path))) return;
    if (!ctx.auth.isAuthorized(req)) throw new ApiError(401, 'unauthorized', 'missing or wrong token: send Authorization: Bearer <token>');
  });

  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send(err.body());
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: bad JSON, wrong content type, body too large.
      const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
      return reply.code(status).send({ error: code, message: `body: ${err.message}` });
    }
    req.log.error({ err, url: req.url }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal server error' });
  });

  registerMetaRoutes(app, ctx);
  registerProjectRoutes(app, ctx);
  registerSessionRoutes(app, ctx);
  registerMessageRoutes(app, ctx);
  registerTraceRoutes(app, ctx);
  registerPermissionRoutes(app, ctx);
  registerAgentRoutes(app, ctx);
  registerWorkspaceRoutes(app, ctx);
  for (const plugin of opts.plugins ?? []) plugin(app, ctx);
  registerStreams(app, { ...opts.stream, version: ctx.version, broker: ctx.broker, sql: ctx.sql, log: ctx.log, inFlight: (id) => ctx.tasks.inFlight(id), flush: (id) => ctx.streaming.flush(id), activities: () => ctx.tasks.activities() });

  const webDir = opts.webDir ?? DEFAULT_WEB_DIR;
  const hasWeb = existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, wildcard: false });
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '';
    if (url.startsWith('/api/') || req.method !== 'GET') {
      return reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${url}` });
    }
    // Client-side routes of the single-page app.
    if (hasWeb) return reply.sendFile('index.html');
    return reply.code(404).type('text/plain').send('The web UI is not built: run `npm run build`.');
  });
  return app;
}
