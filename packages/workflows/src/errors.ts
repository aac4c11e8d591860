/**
 * A workflow file that cannot run: a syntax error (with its 1-based line and column) or a `meta`
 * that is not a plain literal of the right shape (with the field, e.g. `meta.phases[1].title`).
 * The API answers both with a 400.
 */
export class WorkflowSourceError extends Error {
  override readonly name = 'WorkflowSourceError';
  constructor(
    readonly kind: 'syntax' | 'meta',
    message: string,
    readonly where: { line?: number; column?: number; field?: string } = {},
  ) {
    super(message);
  }
}

/** The sandbox cannot load on this Node: workflows are refused, everything else goes on. */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
}
