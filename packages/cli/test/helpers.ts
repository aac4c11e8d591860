import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { z } from 'zod';
import type { CliResult } from '@boocode/testkit/server';

/**
 * The JSON a command printed, checked against its contract schema: parsing must succeed and keep
 * every field (a field the schema does not know would be stripped, and the comparison fail).
 */
export function jsonOf<S extends z.ZodType>(schema: S, run: CliResult): z.output<S> {
  expect(run.stderr.includes('boocode:') ? run.stderr : '').toBe('');
  expect(run.code).toBe(0);
  const json: unknown = JSON.parse(run.stdout);
  const parsed = schema.parse(json);
  expect(parsed).toEqual(json);
  return parsed;
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The ids `-q` printed, one a line. */
export const lines = (text: string): string[] => text.split('\n').filter(Boolean);

/** A `boocode` command on a terminal (a pty), so that it sees a TTY on every stream. */
export interface PtyCli {
  output(): string;
  write(text: string): void;
  /** Resizes the pty: the command gets SIGWINCH, as in a terminal window being resized. */
  resize(cols: number, rows: number): void;
  waitForOutput(pattern: RegExp): Promise<string>;
  exited: Promise<number>;
}

const OUTPUT_WAIT_MS = 45_000;

export async function ptyCli(args: string[], env: Record<string, string>, cwd: string): Promise<PtyCli> {
  const { default: pty } = await import('@lydell/node-pty');
  const bin = new URL('../bin/boocode.js', import.meta.url).pathname;
  const base = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith('BOOCODE_') && e[0] !== 'NO_COLOR'));
  const p = pty.spawn(process.execPath, [bin, ...args], { cols: 200, rows: 50, cwd, env: { ...base, TERM: 'xterm-256color', ...env } });
  let out = '';
  const waiters: { pattern: RegExp; resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  let ended = false;
  p.onData((d) => {
    out += d;
    for (const w of [...waiters]) {
      if (!w.pattern.test(out)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(out);
    }
  });
  const exited = new Promise<number>((resolve) =>
    p.onExit(({ exitCode }) => {
      ended = true;
      for (const w of waiters.splice(0)) w.reject(new Error(`boocode ${args.join(' ')} ended (${exitCode}) before ${w.pattern} appeared:\n${out}`));
      resolve(exitCode);
    }),
  );
  return {
    output: () => out,
    write: (text) => p.write(text),
    resize: (cols, rows) => p.resize(cols, rows),
    exited,
    waitForOutput(pattern) {
      if (pattern.test(out)) return Promise.resolve(out);
      if (ended) return Promise.reject(new Error(`boocode ${args.join(' ')} has ended`));
      return new Promise((resolve, reject) => {
        // Generous, for a busy machine; it says what was printed instead of timing the test out blind.
        const timer = setTimeout(() => reject(new Error(`boocode ${args.join(' ')} did not print ${pattern} in ${OUTPUT_WAIT_MS} ms:\n${JSON.stringify(out)}`)), OUTPUT_WAIT_MS);
        const done = <T>(f: (v: T) => void) => (v: T) => (clearTimeout(timer), f(v));
        waiters.push({ pattern, resolve: done(resolve), reject: done(reject) });
      });
    },
  };
}
