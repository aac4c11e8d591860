import { z } from 'zod';

/** What a snapshot needs to know about a pane besides its text, read in one `display-message`. */
export const PANE_STATE_FORMAT = '#{cursor_x} #{cursor_y} #{pane_width} #{pane_height} #{alternate_on} #{cursor_flag} #{keypad_cursor_flag} #{history_size}';

const flag = z.enum(['0', '1']).transform((v) => v === '1');
const int = z.coerce.number().int().min(0);
const PaneStateFields = z.tuple([int, int, int, int, flag, flag, flag, int]);

export interface PaneState {
  cursorX: number;
  cursorY: number;
  cols: number;
  rows: number;
  /** A full-screen program (vim, less) switched to the alternate screen. */
  alternate: boolean;
  cursorVisible: boolean;
  /** Application cursor keys (DECCKM): arrows send ESC O A rather than ESC [ A. */
  appCursorKeys: boolean;
  historySize: number;
}

export function parsePaneState(line: string): PaneState {
  const [cursorX, cursorY, cols, rows, alternate, cursorVisible, appCursorKeys, historySize] = PaneStateFields.parse(line.trim().split(' '));
  return { cursorX, cursorY, cols, rows, alternate, cursorVisible, appCursorKeys, historySize };
}

export interface SnapshotParts {
  state: PaneState;
  /** Scrollback and screen of the normal screen, with escape sequences (`capture-pane -e`). */
  normal: string[];
  /** The alternate screen's rows, when a full-screen program is running. */
  alternate?: string[];
}

/**
 * Bytes that bring a freshly reset terminal of the pane's size to what tmux shows: scrollback and screen
 * line by line (so the last `rows` lines land on the screen), the alternate screen on top if one is up,
 * then the cursor and the modes tmux reports. The pen colour is not reported by tmux, so it is reset.
 */
export function renderSnapshot({ state, normal, alternate }: SnapshotParts): Buffer {
  const parts = [normal.join('\r\n')];
  if (alternate) parts.push('\x1b[0m\x1b[?1049h\x1b[H\x1b[2J', alternate.join('\r\n'));
  parts.push(`\x1b[0m\x1b[${state.cursorY + 1};${state.cursorX + 1}H`);
  if (!state.cursorVisible) parts.push('\x1b[?25l');
  if (state.appCursorKeys) parts.push('\x1b[?1h');
  return Buffer.from(parts.join(''), 'utf8');
}
