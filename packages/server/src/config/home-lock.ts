import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../process/alive.js';

export interface HomeLock {
  release(): Promise<void>;
}

/**
 * One server per BOOCODE_HOME: two would fight over the embedded cluster. A lock left by a
 * process that no longer exists (kill -9) is taken over.
 */
export async function acquireHomeLock(home: string): Promise<HomeLock> {
  const file = path.join(home, 'server.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return { release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`another BooCode server (pid ${pid}) is using ${home}; stop it first or pass another --home`);
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock ${home}`);
}
