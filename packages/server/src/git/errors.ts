import type { GitErrorCode, GitErrorDetails } from '@boocode/contracts';

/**
 * A refusal of the git domain the user can act on (dirty project, conflict, bad config...). Routes map
 * `code` to a 4xx body `{error: code, message, details}`; anything else thrown here is a server fault.
 */
export class GitDomainError extends Error {
  override readonly name = 'GitDomainError';
  constructor(
    readonly code: GitErrorCode,
    message: string,
    readonly details: GitErrorDetails = {},
  ) {
    super(message);
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
