import { z } from 'zod';
import { HealthResponse } from '../common.js';
import type { RouteDef } from './def.js';

export const LoginCodeQuery = z.object({ code: z.string().min(1) });
export const LoginBody = z.object({ token: z.string().min(1) });
export type LoginBody = z.infer<typeof LoginBody>;
export const LoginCode = z.object({ code: z.string(), url_path: z.string() });
export type LoginCode = z.infer<typeof LoginCode>;
export const RotatedToken = z.object({ token: z.string() });
export type RotatedToken = z.infer<typeof RotatedToken>;
/** An OpenAPI 3 document; its shape is OpenAPI's, not this API's. */
export const OpenApiDocument = z.record(z.string(), z.unknown());

export const metaRoutes = {
  health: {
    method: 'GET',
    path: '/api/health',
    summary: 'Liveness; answers without a token',
    tag: 'meta',
    response: HealthResponse,
    status: 200,
    errors: [],
    auth: false,
  },
  openApi: {
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This API as an OpenAPI 3 document, generated from the route table',
    tag: 'meta',
    response: OpenApiDocument,
    status: 200,
    errors: [],
  },
  redeemLoginCode: {
    method: 'GET',
    path: '/api/auth/login',
    summary: 'Redeem the one-time login code printed by `boocode serve`; sets the session cookie and redirects to /',
    tag: 'auth',
    query: LoginCodeQuery,
    status: 302,
    errors: ['invalid_login_code'],
    auth: false,
  },
  login: {
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Log a browser in with the API token; sets the session cookie',
    tag: 'auth',
    body: LoginBody,
    status: 204,
    errors: ['unauthorized'],
    auth: false,
  },
  logout: {
    method: 'POST',
    path: '/api/auth/logout',
    summary: "Log this browser out: its session cookie is revoked and cleared",
    tag: 'auth',
    status: 204,
    errors: [],
  },
  logoutAll: {
    method: 'POST',
    path: '/api/auth/logout-all',
    summary: 'Log every browser out (revokes every session cookie)',
    tag: 'auth',
    status: 204,
    errors: [],
  },
  rotateToken: {
    method: 'POST',
    path: '/api/auth/token/rotate',
    summary: 'Replace the API token (stored in config.json); the old token and every browser login stop working at once',
    tag: 'auth',
    response: RotatedToken,
    status: 200,
    errors: [],
  },
  createLoginCode: {
    method: 'POST',
    path: '/api/auth/codes',
    summary: 'Mint a new one-time login code (for `boocode login-url`)',
    tag: 'auth',
    response: LoginCode,
    status: 201,
    errors: [],
  },
} as const satisfies Record<string, RouteDef>;
