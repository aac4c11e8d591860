import { z } from 'zod';

/** A path that tmux takes as one argument: absolute, and not ending in `;` (tmux's command separator). */
const executable = z
  .string()
  .min(1)
  .refine((p) => !p.endsWith(';'), 'must not end with ";"');

/** Settings of the terminal feature; every field has a default. */
export const TerminalSettings = z.object({
  /** The tmux binary (a name looked up on PATH, or a path). */
  tmuxPath: executable.default('tmux'),
  /** The shell each terminal starts (the user's $SHELL), run interactively. */
  shell: executable.refine((p) => p.startsWith('/'), 'must be an absolute path').default('/bin/sh'),
  /** Environment of the tmux server, hence of every shell it starts. */
  env: z.record(z.string(), z.string()).default({}),
  /** Lines of recent output BooCode keeps per terminal for search. */
  ringLines: z.number().int().min(10).max(1_000_000).default(5000),
  /** tmux's own scrollback per terminal; searched for what the ring no longer holds. */
  scrollbackLines: z.number().int().min(100).max(10_000_000).default(50_000),
  /** Scrollback lines sent ahead of the screen when a client attaches. */
  snapshotLines: z.number().int().min(0).max(100_000).default(2000),
  maxTerminalsPerSession: z.number().int().min(1).max(1000).default(8),
  /** Output a terminal may stream per second before it is paused and later resynced. */
  maxBytesPerSecond: z.number().int().min(1024).default(2 * 1024 * 1024),
  /** A search (compile and scan) taking longer is stopped as "pattern too expensive". */
  searchTimeoutMs: z.number().int().min(1).max(60_000).default(2000),
  /** Largest compiled regular expression accepted for search. */
  maxPatternProgramSize: z.number().int().min(10).max(1_000_000).default(5000),
});
export type TerminalSettings = z.input<typeof TerminalSettings>;
