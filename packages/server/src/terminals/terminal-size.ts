import { TERMINAL_COLS, TERMINAL_ROWS, TerminalSize } from '@boocode/contracts';
import { TerminalError } from './errors.js';

/** A size from a client, or an error naming both bounds (absurd sizes are refused, never clamped). */
export function checkTerminalSize(size: unknown): TerminalSize {
  const r = TerminalSize.safeParse(size);
  if (r.success) return r.data;
  const s = (size ?? {}) as { cols?: unknown; rows?: unknown };
  throw new TerminalError(
    'invalid_terminal_size',
    `invalid terminal size ${String(s.cols)}x${String(s.rows)}: cols must be an integer from ${TERMINAL_COLS.min} to ${TERMINAL_COLS.max} and rows from ${TERMINAL_ROWS.min} to ${TERMINAL_ROWS.max}`,
  );
}
