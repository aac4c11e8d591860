import type { ErrorCode } from '@boocode/contracts';

/**
 * The server answered, but not with what was asked: an error response (`code` is the server's
 * `error`, `message` names what is wrong), or a body the contracts refuse (`invalid_response`).
 * A code this client does not know (a newer server's) is kept as it came.
 */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'invalid_response' | (string & {}),
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiClientError';
  }
}

/** No answer at all: the server is not running, not reachable at that address, or the request broke off. */
export class ServerUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach the server at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ServerUnreachableError';
  }
}

/** A readable one-liner for any error a call can throw. */
export function errorText(err: unknown): string {
  if (err instanceof ApiClientError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
