import { execFile } from 'node:child_process';
import { externalAgentEnv, type Env } from '../external/env.js';
import { NoAnswerError } from '../external/no-answer.js';

/** Helpers the backends' discovery probes share. */

export function runProbe(
  file: string,
  args: string[],
  env: { base: Env; agent: Record<string, string | undefined> },
  timeoutMs: number,
  cwd: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: externalAgentEnv(env.base, env.agent), timeout: timeoutMs, cwd, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      const command = [file, ...args].join(' ');
      if (err?.killed) reject(new NoAnswerError(`${command} did not answer within ${timeoutMs} ms`));
      else if (err) reject(new Error(`${command} failed: ${(stderr || err.message).trim().slice(0, 500)}`));
      else resolve(stdout);
    });
  });
}

/** First line that looks like a version (`1.18.33`, `v0.9.0-fake`), else the first line. */
export function parseVersion(out: string): string | null {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  const m = lines.map((l) => /v?(\d+\.\d+[\w.+-]*)/.exec(l)).find(Boolean);
  return m?.[1] ?? lines[0] ?? null;
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new NoAnswerError(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(t);
        reject(err);
      },
    );
  });
}
