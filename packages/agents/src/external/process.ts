import type { ChildProcess } from 'node:child_process';
import { forgetChild, noteChild } from './child-ledger.js';

/** Leaders of the process groups started and still running. */
const tracked = new Set<number>();
let exitHookInstalled = false;

/**
 * Makes sure a detached child (own process group) does not outlive this process: on exit, even an
 * unplanned one, every tracked group still running gets SIGKILL. Without this an `opencode serve`
 * or an ACP agent would keep running after BooCode itself is gone. A kill -9 skips the hook: the
 * child ledger (child-ledger.ts) lets the next start on the same home stop those.
 */
export function trackChild(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  const untrack = trackGroup(pid);
  child.once('exit', untrack);
}

/**
 * The same for a process group started some other way (a pseudo-terminal's session leader).
 * Returns what to call once the leader has exited.
 */
export function trackGroup(pid: number): () => void {
  tracked.add(pid);
  noteChild(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const p of tracked) signalGroup(p, 'SIGKILL');
    });
  }
  return () => {
    tracked.delete(pid);
    forgetChild(pid);
  };
}

/**
 * Stops a child and everything it started. Children are spawned `detached` (their own process
 * group) so the group can be signalled as a whole: agents start language servers, shells and MCP
 * servers that would otherwise outlive them. SIGTERM first, SIGKILL after `graceMs`.
 */
export async function killProcessTree(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
    // The leader may exit before its children; make sure none of the group survives.
    signalGroup(pid, 'SIGKILL');
  }
}

/** Signals a whole process group, or the process alone when it leads none. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Keeps the last `max` characters of a stream, for error messages ("stderr tail"). */
export class TailBuffer {
  private text = '';
  constructor(private readonly max = 4_000) {}
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.max);
  }
  toString(): string {
    return this.text.trim();
  }
}
