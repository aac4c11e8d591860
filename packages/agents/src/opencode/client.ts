import type { z } from 'zod';
import type { OpenCodeEndpoint } from './server.js';

/** A non-2xx answer from opencode, with its body for the error message. */
export class OpenCodeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    readonly body: string,
  ) {
    super(`opencode ${path} answered ${status}: ${body.slice(0, 500)}`);
    this.name = 'OpenCodeHttpError';
  }
}

/**
 * Headers that scope a request to one project directory. opencode keeps one instance per
 * directory, so two BooCode sessions in two worktrees never share state; the SDK sends the
 * directory URI-encoded and the server decodes it.
 */
export function directoryHeaders(endpoint: OpenCodeEndpoint, directory: string): Record<string, string> {
  return { authorization: endpoint.authorization, 'x-opencode-directory': encodeURIComponent(directory) };
}

interface CallOptions {
  body?: unknown;
  signal?: AbortSignal;
}

/** One call against the opencode HTTP API; resolves to the parsed JSON body (null when empty). */
export async function ocCall(
  endpoint: OpenCodeEndpoint,
  directory: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  opts: CallOptions = {},
): Promise<unknown> {
  const headers: Record<string, string> = directoryHeaders(endpoint, directory);
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(endpoint.url + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal ?? AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new OpenCodeHttpError(res.status, path, text);
  return text === '' ? null : (JSON.parse(text) as unknown);
}

/** `ocCall` whose answer must match `schema`. */
export async function ocCallParsed<T>(
  schema: z.ZodType<T>,
  endpoint: OpenCodeEndpoint,
  directory: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  opts: CallOptions = {},
): Promise<T> {
  const json = await ocCall(endpoint, directory, method, path, opts);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`opencode ${method} ${path}: unexpected response shape: ${parsed.error.message.slice(0, 500)}`);
  }
  return parsed.data;
}
