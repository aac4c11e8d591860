import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/**
 * A lone surrogate is what invalid UTF-8 becomes once decoded (or a broken UTF-16 string); with the `u` flag
 * a well-formed pair is one code point, so `\p{Cs}` matches only lone halves.
 */
const wellFormed = (s: string) => !/\p{Cs}/u.test(s);
const printable = (s: string) => wellFormed(s) && !/\p{Cc}/u.test(s);

export const TerminalName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64)
  .refine(printable, 'must be valid UTF-8 text without control characters');
export type TerminalName = z.infer<typeof TerminalName>;

/** Bounds a real screen can have; anything outside is a client bug, refused rather than clamped. */
export const TERMINAL_COLS = { min: 2, max: 1000 } as const;
export const TERMINAL_ROWS = { min: 1, max: 500 } as const;

export const TerminalSize = z.object({
  cols: z.number().int().min(TERMINAL_COLS.min).max(TERMINAL_COLS.max),
  rows: z.number().int().min(TERMINAL_ROWS.min).max(TERMINAL_ROWS.max),
});
export type TerminalSize = z.infer<typeof TerminalSize>;

export const Terminal = z.object({
  id: Id,
  session_id: Id,
  name: z.string(),
  /** The shell's current directory. */
  cwd: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  /** The shell's process id. */
  pid: z.number().int(),
  created_at: Timestamp,
});
export type Terminal = z.infer<typeof Terminal>;

export const CreateTerminalBody = z.object({
  name: TerminalName.optional(),
  cols: TerminalSize.shape.cols.default(80),
  rows: TerminalSize.shape.rows.default(24),
});
export type CreateTerminalBody = z.input<typeof CreateTerminalBody>;

export const RenameTerminalBody = z.object({ name: TerminalName });
export type RenameTerminalBody = z.infer<typeof RenameTerminalBody>;

/**
 * A tmux key name such as `Enter`, `C-c`, `M-Left` or `F5`. Letters, digits and modifier prefixes only,
 * so a key can never smuggle a second tmux command.
 */
export const TerminalKey = z.string().regex(/^(?:[CMS]-)*[A-Za-z0-9]{1,16}$/, 'must be a tmux key name such as Enter, C-c or Up');

/** Text is typed literally (no key-name interpretation); keys are pressed after it, in order. */
export const SendKeysBody = z
  .object({
    text: z.string().max(65_536).refine(wellFormed, 'must be valid UTF-8 text').optional(),
    keys: z.array(TerminalKey).max(256).optional(),
  })
  .refine((b) => b.text !== undefined || b.keys !== undefined, 'give text, keys or both');
export type SendKeysBody = z.infer<typeof SendKeysBody>;

export const CaptureTerminalQuery = z.object({
  /** Scrollback lines above the visible screen to include (0: the screen only). */
  lines: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** Keep colours and attributes as escape sequences. */
  escapes: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
});
export type CaptureTerminalQuery = z.input<typeof CaptureTerminalQuery>;

export const CaptureTerminalResponse = z.object({ text: z.string() });
export type CaptureTerminalResponse = z.infer<typeof CaptureTerminalResponse>;

export const SearchTerminalBody = z.object({
  /** An RE2 regular expression (no backreferences or lookarounds: matching stays linear in the text). */
  pattern: z.string().min(1, 'must not be empty').max(512),
  ignore_case: z.boolean().default(false),
  /** Lines of context before and after each match. */
  context: z.number().int().min(0).max(50).default(2),
  limit: z.number().int().min(1).max(1000).default(100),
});
export type SearchTerminalBody = z.input<typeof SearchTerminalBody>;

export const TerminalSearchMatch = z.object({
  /** 1-based, counted from the oldest line the terminal still holds at the time of the search. */
  line: z.number().int().min(1),
  /** `buffer`: BooCode's in-memory ring of recent lines; `tmux`: older scrollback read back from tmux. */
  source: z.enum(['buffer', 'tmux']),
  text: z.string(),
  before: z.array(z.string()),
  after: z.array(z.string()),
});
export type TerminalSearchMatch = z.infer<typeof TerminalSearchMatch>;

export const TerminalSearchResult = z.object({
  matches: z.array(TerminalSearchMatch),
  /** More lines matched than `limit`; the newest matches were kept. */
  truncated: z.boolean(),
  searched_lines: z.number().int().min(0),
});
export type TerminalSearchResult = z.infer<typeof TerminalSearchResult>;

/** Stable codes of terminal refusals; routes map them to 4xx bodies `{error: code, message}`. */
export const TerminalErrorCode = z.enum([
  'tmux_missing',
  'tmux_unsupported',
  'terminal_not_found',
  'terminal_limit',
  'terminal_exited',
  'invalid_terminal_size',
  'invalid_terminal_name',
  'invalid_terminal_cwd',
  'invalid_terminal_input',
  'invalid_pattern',
  'pattern_too_expensive',
]);
export type TerminalErrorCode = z.infer<typeof TerminalErrorCode>;

export const TerminalList = z.object({ items: z.array(Terminal) });
export type TerminalList = z.infer<typeof TerminalList>;

/**
 * The terminal WebSocket (`/api/terminals/:id/stream`). Binary frames carry bytes both ways: output
 * exactly as the program wrote it, and input exactly as typed. Text frames carry the small JSON
 * messages below; the first text frame is `hello`, as on every stream.
 */

/** Why the server ends a terminal stream, sent in `exit` right before it closes the socket. */
export const TerminalExitReason = z.enum(['exited', 'killed', 'slow_consumer', 'closed']);
export type TerminalExitReason = z.infer<typeof TerminalExitReason>;

export const TerminalServerMessage = z.discriminatedUnion('type', [
  /**
   * Reset the terminal to `cols` x `rows`: the binary frames that follow repaint scrollback and screen,
   * then continue with live output, nothing lost or doubled. `attach` opens every connection; `resync`
   * means output was skipped (the terminal was throttled) and the screen is sent again.
   */
  z.object({ type: z.literal('snapshot'), reason: z.enum(['attach', 'resync']), cols: z.number().int(), rows: z.number().int() }),
  /** The terminal was resized (by this client or another): follow it. */
  z.object({ type: z.literal('resize'), cols: z.number().int(), rows: z.number().int() }),
  /** The stream ends: the shell exited, the terminal was killed, this client read too slowly, or the server stops. */
  z.object({ type: z.literal('exit'), reason: TerminalExitReason }),
  /** A message of this client was refused (bad size, bad JSON); the stream goes on. */
  z.object({ type: z.literal('error'), error: z.string(), message: z.string() }),
]);
export type TerminalServerMessage = z.infer<typeof TerminalServerMessage>;

export const TerminalClientMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('resize'), cols: z.number(), rows: z.number() })]);
export type TerminalClientMessage = z.infer<typeof TerminalClientMessage>;

/** Close codes of the terminal stream besides the common ones (`WsCloseCode`). */
export const TerminalCloseCode = {
  /** The shell exited or the terminal was killed: do not reconnect. */
  Ended: 4100,
} as const;
