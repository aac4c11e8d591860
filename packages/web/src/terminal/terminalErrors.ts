import { ApiClientError, ServerUnreachableError } from '@boocode/client';

/** What the user reads about a terminal failure: a sentence, never a code or a JSON body. */
export function terminalErrorText(err: unknown): string {
  if (err instanceof ServerUnreachableError) return 'Cannot reach the BooCode server. Check that it is running and that you are online.';
  if (!(err instanceof ApiClientError)) return err instanceof Error ? err.message : String(err);
  return messageFor(err.code, err.message);
}

/** The same for a refusal that came over the terminal's socket (`{error, message}`). */
export function messageFor(code: string, serverMessage: string): string {
  switch (code) {
    case 'tmux_missing':
      return 'Terminals are not available: tmux is not installed on the server machine (apt-get install tmux).';
    case 'tmux_unsupported':
      return `Terminals are not available on this server. ${serverMessage}`;
    case 'terminal_limit':
      return 'This session already has as many terminals as it may have. Close one to open another.';
    case 'session_archived':
      return 'This session is archived: it cannot open terminals.';
    case 'terminal_not_found':
      return 'This terminal no longer exists.';
    case 'terminal_exited':
      return 'The shell of this terminal has exited.';
    case 'invalid_terminal_cwd':
      return "The session's directory is gone, so no shell can start in it.";
    case 'invalid_terminal_size':
      return 'The terminal cannot take the size of this window.';
    case 'unauthorized':
      return 'You are signed out. Open a new login link to continue.';
    case 'internal':
    case 'invalid_response':
      return 'Something went wrong on the server. Try again.';
    default:
      // The server's own messages name the problem in words ("name: must not be empty").
      return serverMessage;
  }
}
