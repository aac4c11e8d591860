import { CliError, ExitCode } from './exit-codes.js';

/** Codes whose status says something else than what they mean to someone at a shell. */
const CODE_EXIT: Record<string, ExitCode> = {
  path_not_found: ExitCode.NotFound,
  unknown_branch: ExitCode.NotFound,
};

function exitForStatus(status: number): ExitCode {
  if (status === 404) return ExitCode.NotFound;
  if (status === 401 || status === 403 || status === 409) return ExitCode.Refused;
  if (status === 400 || status === 413 || status === 415) return ExitCode.Usage;
  return ExitCode.Failure;
}

/** The exit code and the one-line message of anything a command can throw. */
export async function describeError(err: unknown): Promise<{ exitCode: ExitCode; message: string }> {
  if (err instanceof CliError) return { exitCode: err.exitCode, message: err.message };
  // Loaded here as everywhere: a command that never reached the server starts without the client.
  const { ApiClientError, ServerUnreachableError, errorText } = await import('@boocode/client');
  if (err instanceof ServerUnreachableError) {
    return { exitCode: ExitCode.Failure, message: `${err.message}\nIs the server running? Start one with \`boocode serve\`, or point --url / BOOCODE_URL at it.` };
  }
  if (err instanceof ApiClientError) {
    const exitCode = CODE_EXIT[err.code] ?? exitForStatus(err.status);
    return { exitCode, message: errorText(err) };
  }
  return { exitCode: ExitCode.Failure, message: errorText(err) };
}
