import type { ErrorCode } from '@boocode/contracts';

/**
 * A refusal the user can act on (unknown id, archived session, dirty project...), thrown by domain
 * code. Its code, message and details reach the client as they are; only http/ decides the status.
 * Anything else thrown is a server fault.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new DomainError('not_found', `no ${what} with id ${id}`);
