import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('opencode serve', () => {
  it('does not outlive a BooCode process that exits without disposing the backend', async () => {
    // `opencode serve` reads no stdin, so nothing but BooCode's exit hook would stop it.
    const child = fileURLToPath(new URL('./orphan-child.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', child], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const [pidText, home] = out.trim().split(' ');
    const pid = Number(pidText);
    try {
      expect(pid).toBeGreaterThan(0);
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      expect(alive(pid)).toBe(false);
    } finally {
      if (alive(pid)) process.kill(-pid, 'SIGKILL');
      if (home) rmSync(home, { recursive: true, force: true });
    }
  });
});
