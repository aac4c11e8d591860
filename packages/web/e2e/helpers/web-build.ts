import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The server serves packages/web/dist. `npm test` builds it first; when a test file runs on
 * its own, rebuild here if the sources are newer than the build, so the browser never tests
 * stale code.
 */
export function ensureWebBuilt(): void {
  if (isFresh()) return;
  // Test files run in parallel workers: one builds, the others wait for it.
  const lock = path.join(WEB_DIR, '.e2e-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run would block forever; a build takes seconds, not minutes.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmdirSync(lock);
      } catch {
        // Removed meanwhile by its owner: try again.
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (isFresh()) return;
    execFileSync(process.execPath, [path.join(WEB_DIR, '../../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: WEB_DIR,
      stdio: 'inherit',
    });
  } finally {
    rmdirSync(lock);
  }
}

function isFresh(): boolean {
  let built = 0;
  try {
    built = statSync(path.join(WEB_DIR, 'dist/index.html')).mtimeMs;
  } catch {
    return false;
  }
  // The bundle holds the sources of the workspace packages the app imports, too.
  const sources = ['src', '../client/src', '../contracts/src'].map((dir) => newestMtime(path.join(WEB_DIR, dir)));
  return built >= Math.max(...sources, statSync(path.join(WEB_DIR, 'index.html')).mtimeMs);
}
