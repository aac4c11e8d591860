import { z } from 'zod';
import { execNoShell } from './exec.js';
import { defineTool, failure, limitsOf, success } from './types.js';

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
export const MAX_COMMAND_TIMEOUT_MS = 120_000;

export const RunCommandInput = z.object({
  command: z.string().min(1).max(256).describe('Program to run, e.g. "npm", "node", "git", "ls". Not a shell line.'),
  args: z.array(z.string()).default([]).describe('Arguments as an array, e.g. ["run", "test"].'),
  description: z.string().max(256).optional().describe('Short human-readable note of what the command is for.'),
  timeout_ms: z
    .number()
    .int()
    .positive()
    .max(MAX_COMMAND_TIMEOUT_MS)
    .optional()
    .describe(`Timeout in milliseconds. Default ${DEFAULT_COMMAND_TIMEOUT_MS}, max ${MAX_COMMAND_TIMEOUT_MS}.`),
});

/** What the model sees, as JSON. */
export interface RunCommandResult {
  command: string;
  args: string[];
  exit_code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timed_out: boolean;
  duration_ms: number;
}

/** Caps stdout + stderr together; stdout is kept first and stderr gets what is left. */
export function capOutput(stdout: string, stderr: string, cap: number): { stdout: string; stderr: string; truncated: boolean } {
  if (stdout.length + stderr.length <= cap) return { stdout, stderr, truncated: false };
  const out = stdout.slice(0, cap);
  return { stdout: out, stderr: stderr.slice(0, Math.max(cap - out.length, 0)), truncated: true };
}

export const runCommandTool = defineTool({
  name: 'run_command',
  description:
    'Run a program in the project root and get its exit code, stdout and stderr (as JSON). There is no ' +
    'shell: pass the program as command and its arguments as args (no pipes, redirects, globs or $VARS). ' +
    'Use it for builds, tests, linters, git and scripts. Default timeout 30 s (max 120 s via timeout_ms); ' +
    'output is capped at 32 KB ("truncated": true when cut). Background processes are not supported. ' +
    'Environment variables holding secrets (keys, tokens, passwords) are not available to the command.',
  inputSchema: RunCommandInput,
  writes: false,
  async execute(input, ctx) {
    const timeoutMs = input.timeout_ms ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const cap = limitsOf(ctx).commandOutputCap;
    const r = await execNoShell(input.command, input.args, {
      cwd: ctx.root,
      timeoutMs,
      signal: ctx.signal,
      keepChars: cap,
      env: ctx.env,
      hiddenEnv: ctx.hiddenEnv,
      sandbox: ctx.sandbox,
    });
    if (r.refused) return failure(r.refused);
    if (r.spawnError) {
      return failure(
        r.spawnError === 'ENOENT'
          ? `Command not found: ${input.command}. It must be a program on PATH (no shell builtins or shell syntax).`
          : `Could not start ${input.command}: ${r.spawnError}`,
      );
    }
    const capped = capOutput(r.stdout, r.stderr, cap);
    const result: RunCommandResult = {
      command: input.command,
      args: input.args,
      exit_code: r.exitCode,
      signal: r.signal,
      stdout: capped.stdout,
      stderr: capped.stderr,
      truncated: capped.truncated || r.overflow,
      timed_out: r.timedOut,
      duration_ms: r.durationMs,
    };
    const json = JSON.stringify(result, null, 2);
    if (r.timedOut) return failure(`Command timed out after ${timeoutMs} ms and was killed.\n${json}`);
    if (r.cancelled) return failure(`Command was cancelled.\n${json}`);
    return success(json);
  },
});
