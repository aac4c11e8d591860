import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { CommandOutputChunk, ProjectCommand } from '@boocode/contracts';
import { gitBaseEnv } from './base-env.js';

/** Captured output is bounded (the tail is kept: that is where failures explain themselves). */
const MAX_CAPTURE_CHARS = 1 << 20;

export type OutputListener = (chunk: CommandOutputChunk) => void;

export interface CommandResult {
  argv: readonly string[];
  /** null when the process was killed by a signal or never started. */
  exit_code: number | null;
  ok: boolean;
  /** stdout and stderr interleaved as they arrived (what a terminal would have shown). */
  output: string;
}

export interface RunCommandsOptions {
  commands: readonly ProjectCommand[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  onOutput?: OutputListener;
  signal?: AbortSignal;
}

class Capture {
  #text = '';
  #dropped = 0;
  add(s: string): void {
    this.#text += s;
    if (this.#text.length > MAX_CAPTURE_CHARS) {
      const cut = this.#text.length - MAX_CAPTURE_CHARS;
      this.#dropped += cut;
      this.#text = this.#text.slice(cut);
    }
  }
  toString(): string {
    return this.#dropped > 0 ? `[… ${this.#dropped} characters dropped …]\n${this.#text}` : this.#text;
  }
}

/** One command, no shell: argv[0] is looked up on PATH, arguments are passed verbatim. */
export function runCommand(argv: ProjectCommand, opts: Omit<RunCommandsOptions, 'commands'>): Promise<CommandResult> {
  const [program, ...args] = argv;
  const capture = new Capture();
  return new Promise((resolve) => {
    const child = spawn(program ?? '', args, {
      cwd: opts.cwd,
      env: { ...gitBaseEnv(), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      signal: opts.signal,
    });
    const pipe = (stream: 'stdout' | 'stderr', readable: NodeJS.ReadableStream) => {
      // Decoder per stream so a multi-byte character split across chunks is not mangled.
      const decoder = new StringDecoder('utf8');
      const emit = (text: string) => {
        if (text === '') return;
        capture.add(text);
        opts.onOutput?.({ stream, text });
      };
      readable.on('data', (b: Buffer) => emit(decoder.write(b)));
      readable.on('end', () => emit(decoder.end()));
    };
    pipe('stdout', child.stdout);
    pipe('stderr', child.stderr);
    let settled = false;
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      const why = err.code === 'ENOENT' ? `command not found: ${program}` : err.message;
      capture.add(`${why}\n`);
      resolve({ argv, exit_code: null, ok: false, output: capture.toString() });
    });
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      resolve({ argv, exit_code: code, ok: code === 0, output: capture.toString() });
    });
  });
}

/** Runs commands in order and stops at the first failure, which is the last result. */
export async function runCommands(opts: RunCommandsOptions): Promise<CommandResult[]> {
  const results: CommandResult[] = [];
  for (const argv of opts.commands) {
    const r = await runCommand(argv, opts);
    results.push(r);
    if (!r.ok) break;
  }
  return results;
}
