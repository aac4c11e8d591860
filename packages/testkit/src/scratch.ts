import { lstatSync, mkdtempSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { atProcessEnd } from './process-end.js';

const pending = new Map<string, () => void>();

/**
 * A fresh directory in the temp folder (its real path), removed by `removeScratch` or, at the
 * latest, when this process ends, so a failing test or an interrupted benchmark leaves it behind
 * neither.
 */
export function scratchDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  pending.set(dir, atProcessEnd(() => removeScratch(dir)));
  return dir;
}

/**
 * Removes `dir` now. When it is a BooCode home whose embedded cluster was put elsewhere (run as
 * root, a home the postgres user cannot enter gets its cluster in /var/lib/boocode and `pg` links
 * to it), that cluster goes too: deleting the home alone would leave it there for good.
 */
export function removeScratch(dir: string): void {
  pending.get(dir)?.();
  pending.delete(dir);
  const link = path.join(dir, 'pg');
  const st = (() => {
    try {
      return lstatSync(link);
    } catch {
      return null;
    }
  })();
  const cluster = st?.isSymbolicLink() ? path.resolve(dir, readlinkSync(link)) : null;
  // Named by a hash of the home. Not checked by its content: a removal cut short (a worker killed
  // while cleaning up) leaves a cluster without its PG_VERSION, and the next attempt must finish it.
  if (cluster && /^[0-9a-f]{16}$/.test(path.basename(cluster))) rmSync(cluster, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
