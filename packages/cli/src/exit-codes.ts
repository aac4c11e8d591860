/** What `boocode` exits with; scripts branch on these (docs/cli.md lists them). */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  NotFound: 3,
  /** A conflict, or the server refused (wrong token, a state that forbids the action). */
  Refused: 4,
  /** `run`, `send` and `wait`: the turn ended other than completed. */
  TurnFailed: 5,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI reports as one line on stderr, with its exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(ExitCode.Usage, message);
export const notFoundError = (message: string) => new CliError(ExitCode.NotFound, message);
