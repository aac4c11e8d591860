import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@boocode/server';
import { clearStalePostmaster } from '@boocode/server/embedded-postgres';
import { atProcessEnd } from '../process-end.js';
import { removeScratch } from '../scratch.js';

// Short: programs put unix sockets in it (Chromium's SingletonSocket), whose paths are capped at 107 bytes.
const PREFIX = 'boocode-run-';

export interface TestRun {
  /** The run's temp folder, also `TMPDIR` from now on. */
  dir: string;
  /** Removes the folder and every cluster relocated from a home in it. */
  end(): void;
}

/** Homes (or anything else) in `dir` and one level below, where tests put BooCode homes. */
function candidates(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name));
  return [...entries, ...entries.flatMap((e) => readdirSync(e, { withFileTypes: true }).filter((c) => c.isDirectory()).map((c) => path.join(e, c.name)))];
}

function removeRunDir(dir: string): void {
  for (const home of candidates(dir).reverse()) {
    try {
      removeScratch(home);
    } catch {
      // Best effort per home: the others and the folder itself still go.
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs whose process is gone without cleaning up (kill -9): stop their postmasters, remove them. */
async function sweepAbandonedRuns(base: string): Promise<void> {
  const log = createLogger({ level: 'warn' });
  for (const name of readdirSync(base)) {
    const pid = new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1];
    if (!pid || pidAlive(Number(pid))) continue;
    const dir = path.join(base, name);
    for (const home of candidates(dir)) {
      const dataDir = path.join(home, 'pg', 'data');
      if (existsSync(dataDir)) await clearStalePostmaster(dataDir, log);
    }
    removeRunDir(dir);
  }
}

/**
 * Gives one test run a temp folder of its own: `TMPDIR` points into it for the rest of the run,
 * so vitest's workers and every program they start (git, opencode, postgres, `boocode serve`)
 * write there, and the whole folder goes at the end of the run, with every cluster relocated
 * from a home in it, whatever the tests did or did not remove. A run killed before it could clean
 * up is cleared by the next one.
 */
export async function startTestRun(): Promise<TestRun> {
  const base = tmpdir();
  await sweepAbandonedRuns(base);
  const dir = mkdtempSync(path.join(base, `${PREFIX}${process.pid}-`));
  // Enterable by the postgres user (when run as root), so clusters of homes made enterable stay here.
  chmodSync(dir, 0o711);
  process.env.TMPDIR = dir;
  const unregister = atProcessEnd(() => removeRunDir(dir));
  return {
    dir,
    end() {
      unregister();
      removeRunDir(dir);
    },
  };
}
