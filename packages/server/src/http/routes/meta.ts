import { HealthResponse } from '@boocode/contracts';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { openApiDocument } from '../route.js';
import { SESSION_COOKIE, SESSION_TTL_S } from '../auth.js';
import type { FastifyInstance } from 'fastify';

const LoginQuery = z.object({ code: z.string().min(1) });
const LoginBody = z.object({ token: z.string().min(1) });
const LoginCode = z.object({ code: z.string(), url_path: z.string() });

export function registerMetaRoutes(app: FastifyInstance, ctx: AppContext): void {
  const cookie = { path: '/', httpOnly: true, sameSite: 'strict' as const, maxAge: SESSION_TTL_S };

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/health',
    summary: 'Liveness; the only route that needs no token',
    tag: 'meta',
    response: HealthResponse,
    handler: async () => ({ ok: true, version: ctx.version, database: ctx.database }),
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/auth/login',
    summary: 'Redeem the one-time login code printed by `boocode serve`; sets the session cookie',
    tag: 'auth',
    query: LoginQuery,
    handler: async ({ query }, _req, reply) => {
      if (!ctx.auth.redeemCode(query.code)) {
        throw new ApiError(401, 'invalid_login_code', 'code: this login link was already used or has expired; run `boocode login-url` for a new one');
      }
      reply.setCookie(SESSION_COOKIE, ctx.auth.sessionCookie(), cookie).redirect('/', 302);
    },
  });

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/auth/login',
    summary: 'Log a browser in with the API token; sets the session cookie',
    tag: 'auth',
    body: LoginBody,
    handler: async ({ body }, _req, reply) => {
      if (!ctx.auth.checkToken(body.token)) throw new ApiError(401, 'unauthorized', 'token: wrong token');
      reply.setCookie(SESSION_COOKIE, ctx.auth.sessionCookie(), cookie).code(204).send();
    },
  });

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/auth/logout',
    summary: "Forget this browser's login (clears the session cookie)",
    tag: 'auth',
    handler: async (_i, _req, reply) => {
      reply.clearCookie(SESSION_COOKIE, { path: '/' }).code(204).send();
    },
  });

  ctx.routes.add(app, {
    method: 'POST',
    url: '/api/auth/codes',
    summary: 'Mint a new one-time login code (for `boocode login-url`)',
    tag: 'auth',
    response: LoginCode,
    status: 201,
    handler: async () => {
      const code = ctx.auth.issueCode();
      return { code, url_path: `/api/auth/login?code=${code}` };
    },
  });

  ctx.routes.add(app, {
    method: 'GET',
    url: '/api/openapi.json',
    summary: 'This API as an OpenAPI 3 document, generated from the zod contracts',
    tag: 'meta',
    handler: async (_i, _req, reply) => {
      reply.send(openApiDocument(ctx.routes, ctx.version));
    },
  });
}
