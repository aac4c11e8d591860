import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Agent processes written down on disk, one file each, so that the next BooCode on the same home
 * stops what a killed one (kill -9, OOM) left running. The exit hook of `trackChild` cannot run
 * then, and `opencode serve` never notices that its parent is gone: each one left behind held
 * half a gigabyte. A process is identified by its pid and its start time, so a recycled pid is
 * never signalled. Linux only (/proc); elsewhere the ledger stays empty.
 */

const Entry = z.object({ pid: z.number().int().positive(), start: z.string(), owner: z.number().int().positive(), ownerStart: z.string() });
type Entry = z.infer<typeof Entry>;

let ledgerDir: string | null = null;
let self: { pid: number; start: string } | null = null;

/** The start time of a live (not zombie) process, in clock ticks since boot; null when it is gone. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Keeps the ledger in `dir` from now on, after stopping every process group recorded there whose
 * owner is gone. Returns the pids stopped.
 */
export function keepChildLedger(dir: string): number[] {
  const start = processStart(process.pid);
  if (start === null) return [];
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stopped: number[] = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    let entry: Entry;
    try {
      entry = Entry.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      rmSync(file, { force: true });
      continue;
    }
    if (processStart(entry.owner) === entry.ownerStart) continue;
    if (processStart(entry.pid) === entry.start) {
      try {
        process.kill(-entry.pid, 'SIGKILL');
        stopped.push(entry.pid);
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(file, { force: true });
  }
  ledgerDir = dir;
  self = { pid: process.pid, start };
  return stopped;
}

/** Writes a started agent process (the leader of its own process group) into the ledger. */
export function noteChild(pid: number): void {
  if (!ledgerDir || !self) return;
  const start = processStart(pid);
  if (start === null) return;
  const entry: Entry = { pid, start, owner: self.pid, ownerStart: self.start };
  try {
    writeFileSync(path.join(ledgerDir, `${pid}.json`), JSON.stringify(entry), { mode: 0o600 });
  } catch {
    // The ledger is a safety net: a full disk must not stop an agent from starting.
  }
}

/** Takes an ended agent process out of the ledger. */
export function forgetChild(pid: number): void {
  if (ledgerDir) rmSync(path.join(ledgerDir, `${pid}.json`), { force: true });
}
