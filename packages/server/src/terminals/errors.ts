import type { TerminalErrorCode } from '@boocode/contracts';
import { DomainError } from '../errors.js';

/**
 * A refusal of the terminal domain the caller can act on (tmux missing, unknown terminal, limit reached,
 * bad size or pattern). http/ gives each code its status; anything else thrown here is a server fault.
 */
export class TerminalError extends DomainError {
  override readonly name = 'TerminalError';
  declare readonly code: TerminalErrorCode;
  constructor(code: TerminalErrorCode, message: string) {
    super(code, message);
  }
}

export const TMUX_MISSING_MESSAGE = 'tmux is not installed: apt-get install tmux';
