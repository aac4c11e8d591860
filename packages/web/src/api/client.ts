import { ErrorBody } from '@boocode/contracts';

/** What the client needs of a contracts schema (zod's `safeParse`), without importing zod. */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { message: string } };
}

/** An HTTP error from the API, carrying the server's `{error, message, details}` unchanged. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Thrown when the server answers with a shape the contracts do not accept. */
export class ContractError extends Error {
  constructor(
    readonly path: string,
    readonly issues: string,
  ) {
    super(`unexpected response from ${path}: ${issues}`);
    this.name = 'ContractError';
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Listeners told about 401s, so the shell can show the sign-in screen from anywhere. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

/**
 * Same-origin fetch with the session cookie; the response is validated by `schema`
 * (null for 204). Errors become ApiError with the server's body as it was sent.
 */
export async function request<T>(
  schema: Schema<T>,
  method: Method,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network_error', `cannot reach the server (${(err as Error).message})`);
  }
  if (res.status === 401) unauthorizedListeners.forEach((fn) => fn());
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(json);
    if (parsed.success) throw new ApiError(res.status, parsed.data.error, parsed.data.message, parsed.data.details);
    throw new ApiError(res.status, `http_${res.status}`, text.slice(0, 500) || res.statusText);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ContractError(path, parsed.error.message);
  return parsed.data;
}

/** A readable one-liner for any error thrown by `request` or elsewhere. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.status ? `${err.code}: ${err.message}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
