import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scratchDir } from '@boocode/testkit';
import { keepChildLedger, processStart } from '../../src/external/child-ledger.js';

/** A process that ran and is gone: its pid stands for a killed BooCode. */
const deadPid = (): number => spawnSync('true').pid!;

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.pid && processStart(c.pid)) process.kill(-c.pid, 'SIGKILL');
});

/** A detached `sleep` (its own process group, like every agent process), once it runs. */
async function sleeper(): Promise<number> {
  const child = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  started.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child.pid!;
}

const write = (dir: string, entry: Record<string, unknown>) => writeFileSync(path.join(dir, `${String(entry.pid)}.json`), JSON.stringify(entry));

describe('the child ledger', () => {
  it('stops the processes of an owner that is gone, keeps those of a live owner, and never a recycled pid', async () => {
    const dir = scratchDir('boocode-ledger-');
    const orphan = await sleeper();
    const kept = await sleeper();
    const recycled = await sleeper();
    const dead = deadPid();
    write(dir, { pid: orphan, start: processStart(orphan), owner: dead, ownerStart: '1' });
    write(dir, { pid: kept, start: processStart(kept), owner: process.pid, ownerStart: processStart(process.pid) });
    // Same pid, another process: the start time does not match what was written down.
    write(dir, { pid: recycled, start: '1', owner: dead, ownerStart: '1' });
    writeFileSync(path.join(dir, 'junk.json'), 'not json');

    expect(keepChildLedger(dir)).toEqual([orphan]);
    const exited = started.find((c) => c.pid === orphan)!;
    if (exited.exitCode === null && exited.signalCode === null) await new Promise((resolve) => exited.once('exit', resolve));
    expect(processStart(orphan)).toBeNull();
    expect(processStart(kept)).not.toBeNull();
    expect(processStart(recycled)).not.toBeNull();
    expect(readdirSync(dir).sort()).toEqual([`${kept}.json`]);
    expect(existsSync(path.join(dir, 'junk.json'))).toBe(false);
  });
});
