import type { ZodType } from 'zod';
import type { ErrorCode } from './errors.js';

export type RouteMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One HTTP route of the API: the server registers it, the client calls it, the docs list it. */
export interface RouteDef {
  method: RouteMethod;
  /** Fastify style: `/api/sessions/:id`. */
  path: string;
  summary: string;
  tag: string;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** Absent: no body (204, or the 302 of the login link). */
  response?: ZodType;
  status: number;
  /**
   * Codes this route's own checks answer with, beyond the ones its shape implies (see
   * `impliedErrors`): a refusal the client may want to act on.
   */
  errors: readonly ErrorCode[];
  /** Only health and login answer without a token. */
  auth?: false;
}

/**
 * Codes every route of this shape can answer with: a malformed or unknown id, a bad query or body,
 * a body too large or not JSON, a missing token, a foreign Host on a loopback server, a server fault.
 */
export function impliedErrors(def: RouteDef): ErrorCode[] {
  return [
    ...(def.auth === false ? [] : (['unauthorized'] as const)),
    'forbidden_host',
    ...(def.params ? (['not_found'] as const) : []),
    ...(def.query || def.body ? (['invalid_request'] as const) : []),
    ...(def.body ? (['payload_too_large', 'unsupported_media_type'] as const) : []),
    'internal',
  ];
}

/** Everything a route can answer with: its own codes and the implied ones, each once. */
export const routeErrors = (def: RouteDef): ErrorCode[] => [...new Set([...def.errors, ...impliedErrors(def)])];
