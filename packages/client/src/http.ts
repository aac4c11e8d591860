import { z } from 'zod';
import type { RouteDef, RouteInput, RouteName, RouteOutput } from '@boocode/contracts';
import { loadErrorBody, loadRoute } from '@boocode/contracts/route-loader';
import { ApiClientError, ServerUnreachableError } from './errors.js';

export interface ApiClientOptions {
  /** `http(s)://host:port`; '' in a browser for the page's own origin. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; browsers send the session cookie instead. */
  token?: string;
  /** 'same-origin' in browsers, so the session cookie goes along. */
  credentials?: RequestInit['credentials'];
  fetch?: typeof fetch;
  /** Told about every 401 (a browser shows its sign-in screen). */
  onUnauthorized?: () => void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** The input of `call` may be left out when every part of it is optional. */
export type CallArgs<N extends RouteName> = {} extends RouteInput<N>
  ? [input?: RouteInput<N>, options?: CallOptions]
  : [input: RouteInput<N>, options?: CallOptions];

type Values = Record<string, unknown>;

/** A route's path with its `:params` filled in, and its query string. */
export function routeUrl(path: string, params: Values = {}, query: Values = {}): string {
  const filled = path.replace(/:(\w+)/g, (_, key: string) => {
    const v = params[key];
    if (v === undefined || v === null) throw new TypeError(`${path}: no value for :${key}`);
    return encodeURIComponent(String(v));
  });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    for (const item of Array.isArray(v) ? v : [v]) if (item !== undefined && item !== null) q.append(k, String(item));
  }
  const s = q.toString();
  return s ? `${filled}?${s}` : filled;
}

/**
 * The HTTP API as one typed call per route of the contracts' route table: `call('getSession',
 * {params: {id}})`. Every answer is validated with the route's response schema, built when the route
 * is first called (a command-line client calls one or two of them); refusals are
 * `ApiClientError`s carrying the server's code, and no answer at all a `ServerUnreachableError`.
 */
export class ApiClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: ApiClientOptions) {
    this.fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  async call<N extends RouteName>(name: N, ...[input, options]: CallArgs<N>): Promise<RouteOutput<N>> {
    const def: RouteDef = await loadRoute(name);
    const { params, query, body } = (input ?? {}) as { params?: Values; query?: Values; body?: unknown };
    const url = this.opts.baseUrl + routeUrl(def.path, params, query);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    const init: RequestInit = { method: def.method, headers };
    if (this.opts.credentials) init.credentials = this.opts.credentials;
    if (options?.signal) init.signal = options.signal;
    if (def.body) {
      // Routes whose body is all optional still take JSON: an empty object when none is given.
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body ?? {});
    }
    let res: Response;
    let text: string;
    try {
      res = await this.fetch(url, init);
      text = await res.text();
    } catch (err) {
      if (options?.signal?.aborted) throw err;
      throw new ServerUnreachableError(this.opts.baseUrl || 'this page', err);
    }
    if (res.status === 401) this.opts.onUnauthorized?.();
    let json: unknown = undefined;
    let notJson = false;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        notJson = true;
      }
    }
    if (!res.ok) {
      // Any server version's error body: a code this client does not know still comes through.
      const e = (await loadErrorBody()).extend({ error: z.string() }).safeParse(json);
      if (e.success) throw new ApiClientError(res.status, e.data.error, e.data.message, e.data.details);
      // Not the API answering (a proxy, another server on the port): say what came back.
      throw new ApiClientError(res.status, `http_${res.status}`, text.slice(0, 500) || res.statusText || `HTTP ${res.status}`);
    }
    if (!def.response) return undefined as RouteOutput<N>;
    const parsed = notJson ? null : def.response.safeParse(json);
    if (!parsed?.success) {
      const why = parsed ? z.prettifyError(parsed.error) : `not JSON: ${text.slice(0, 200)}`;
      throw new ApiClientError(res.status, 'invalid_response', `unexpected response from ${def.method} ${def.path}: ${why}`);
    }
    return parsed.data as RouteOutput<N>;
  }
}
