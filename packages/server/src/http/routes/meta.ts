import type { AppContext } from '../context.js';
import { DomainError } from '../../errors.js';
import type { Handlers } from '../route.js';
import { openApiDocument } from '../openapi.js';
import { SESSION_COOKIE, SESSION_TTL_S } from '../auth.js';

type MetaRoutes = 'health' | 'openApi' | 'redeemLoginCode' | 'login' | 'logout' | 'logoutAll' | 'rotateToken' | 'createLoginCode';

export function metaHandlers(ctx: AppContext): Handlers<MetaRoutes> {
  const cookie = { path: '/', httpOnly: true, sameSite: 'strict' as const, maxAge: SESSION_TTL_S };
  return {
    health: async () => ({ ok: true, version: ctx.version, database: ctx.database }),
    openApi: async () => openApiDocument(ctx.version),
    redeemLoginCode: async ({ query }, _req, reply) => {
      if (!ctx.auth.redeemCode(query.code)) {
        throw new DomainError('invalid_login_code', 'code: this login link was already used or has expired; run `boocode login-url` for a new one');
      }
      reply.setCookie(SESSION_COOKIE, await ctx.auth.startLogin(), cookie).redirect('/', 302);
    },
    login: async ({ body }, _req, reply) => {
      if (!ctx.auth.checkToken(body.token)) throw new DomainError('unauthorized', 'token: wrong token');
      reply.setCookie(SESSION_COOKIE, await ctx.auth.startLogin(), cookie);
    },
    logout: async (_input, req, reply) => {
      await ctx.auth.logout(req.cookies?.[SESSION_COOKIE]);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    },
    logoutAll: async (_input, _req, reply) => {
      const revoked = await ctx.auth.logoutAll();
      ctx.log.info({ revoked }, 'auth: every browser logged out');
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    },
    rotateToken: async (_input, _req, reply) => {
      const token = await ctx.auth.rotateToken();
      ctx.log.warn('auth: API token rotated; the old token and every browser login are revoked');
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { token };
    },
    createLoginCode: async () => {
      const code = ctx.auth.issueCode();
      return { code, url_path: `/api/auth/login?code=${code}` };
    },
  };
}
