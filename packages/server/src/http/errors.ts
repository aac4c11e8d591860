import type { ErrorBody, ErrorCode } from '@boocode/contracts';
import type { ZodError } from 'zod';

/** An error meant for the client: its status, code and message reach the response as they are. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  body(): ErrorBody {
    return { error: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, 'not_found', `no ${what} with id ${id}`);

/** "content: must not be empty" — the first issue names the field; all issues go in details. */
export function invalid(where: 'body' | 'query', err: ZodError): ApiError {
  const first = err.issues[0];
  const field = first && first.path.length ? first.path.join('.') : where;
  return new ApiError(
    400,
    'invalid_request',
    `${field}: ${first?.message ?? 'invalid'}`,
    err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}
