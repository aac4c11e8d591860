import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { removeScratch, scratchDir } from '../src/scratch.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/scratch-child.ts');

/** Runs the child, sends `signal` once it has made its dir, and returns the dir and how it ended. */
async function child(how: 'exit' | 'throw' | 'wait', signal?: NodeJS.Signals) {
  const p = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD, how], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const dir = new Promise<string>((resolve) =>
    p.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    }),
  );
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.once('exit', (code, sig) => resolve({ code, signal: sig })));
  const made = await dir;
  expect(existsSync(made)).toBe(true);
  if (signal) p.kill(signal);
  else p.stdin.write('go\n');
  return { dir: made, ...(await ended) };
}

describe('scratch dirs', () => {
  it('are removed when the process exits normally, throws, or is interrupted', async () => {
    const normal = await child('exit');
    expect(normal.code).toBe(0);
    expect(existsSync(normal.dir)).toBe(false);

    const thrown = await child('throw');
    expect(thrown.code).toBe(1);
    expect(existsSync(thrown.dir)).toBe(false);

    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const killed = await child('wait', signal);
      // The signal still ends the process as it would have.
      expect(killed.signal).toBe(signal);
      expect(existsSync(killed.dir)).toBe(false);
    }
  });

  it('take a home’s relocated cluster with them, and nothing else a link points to', () => {
    const outside = scratchDir('scratch-outside-');
    const cluster = path.join(outside, '0123456789abcdef');
    const other = path.join(outside, 'not-a-cluster');
    mkdirSync(path.join(cluster, 'data'), { recursive: true });
    mkdirSync(other);

    const home = scratchDir('scratch-home-');
    symlinkSync(cluster, path.join(home, 'pg'));
    removeScratch(home);
    expect(existsSync(home)).toBe(false);
    expect(existsSync(cluster)).toBe(false);

    const linked = scratchDir('scratch-home-');
    symlinkSync(other, path.join(linked, 'pg'));
    removeScratch(linked);
    expect(existsSync(linked)).toBe(false);
    expect(existsSync(other)).toBe(true);
    removeScratch(outside);
  });
});
