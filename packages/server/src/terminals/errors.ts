import type { TerminalErrorCode } from '@boocode/contracts';

/**
 * A refusal of the terminal domain the caller can act on (tmux missing, unknown terminal, limit reached,
 * bad size or pattern). Routes map `code` to a 4xx body; anything else thrown here is a server fault.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(
    readonly code: TerminalErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const TMUX_MISSING_MESSAGE = 'tmux is not installed: apt-get install tmux';
