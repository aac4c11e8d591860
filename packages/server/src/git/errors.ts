import type { GitErrorCode, GitErrorDetails } from '@boocode/contracts';
import { DomainError } from '../errors.js';

/**
 * A refusal of the git domain the user can act on (dirty project, conflict, bad config...), with its
 * details; anything else thrown here is a server fault.
 */
export class GitDomainError extends DomainError {
  override readonly name = 'GitDomainError';
  declare readonly code: GitErrorCode;
  declare readonly details: GitErrorDetails;
  constructor(code: GitErrorCode, message: string, details: GitErrorDetails = {}) {
    super(code, message, details);
  }
}

/** A git subprocess that exited with an unexpected status. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim() || '(no output)'}`);
  }
}
