import type { AppContext } from '../context.js';
import { DomainError } from '../../errors.js';
import type { Handlers } from '../route.js';
import { openApiDocument } from '../openapi.js';
import { SESSION_COOKIE, SESSION_TTL_S } from '../auth.js';

type MetaRoutes = 'health' | 'openApi' | 'redeemLoginCode' | 'login' | 'logout' | 'createLoginCode';

export function metaHandlers(ctx: AppContext): Handlers<MetaRoutes> {
  const cookie = { path: '/', httpOnly: true, sameSite: 'strict' as const, maxAge: SESSION_TTL_S };
  return {
    health: async () => ({ ok: true, version: ctx.version, database: ctx.database }),
    openApi: async () => openApiDocument(ctx.version),
    redeemLoginCode: async ({ query }, _req, reply) => {
      if (!ctx.auth.redeemCode(query.code)) {
        throw new DomainError('invalid_login_code', 'code: this login link was already used or has expired; run `boocode login-url` for a new one');
      }
      reply.setCookie(SESSION_COOKIE, ctx.auth.sessionCookie(), cookie).redirect('/', 302);
    },
    login: async ({ body }, _req, reply) => {
      if (!ctx.auth.checkToken(body.token)) throw new DomainError('unauthorized', 'token: wrong token');
      reply.setCookie(SESSION_COOKIE, ctx.auth.sessionCookie(), cookie);
    },
    logout: async (_input, _req, reply) => {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    },
    createLoginCode: async () => {
      const code = ctx.auth.issueCode();
      return { code, url_path: `/api/auth/login?code=${code}` };
    },
  };
}
