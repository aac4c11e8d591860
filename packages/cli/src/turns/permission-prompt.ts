import { createInterface, type Interface } from 'node:readline/promises';
import type { ApiClient } from '@boocode/client';
import type { PermissionDecision, SessionFrame } from '@boocode/contracts';
import { paintFor } from '../output/color.js';
import { shortId } from '../ids.js';

type Request = Extract<SessionFrame, { type: 'permission_request' }>;

const ANSWERS: Record<string, PermissionDecision | null> = { y: 'allow_once', a: 'allow_always', n: 'reject', s: null, '': null };

/** Whether permission requests can be asked about here: someone at a terminal on both ends. */
export const canPrompt = (): boolean => process.stdin.isTTY === true && process.stderr.isTTY === true;

/**
 * Asks the person at the terminal about each permission request while a command waits, one at a
 * time, on stderr. A request answered elsewhere (the web UI, `boocode permit`) is dropped from the
 * queue, or its open question withdrawn. Skipping leaves the request waiting.
 */
export class PermissionPrompt {
  private readonly queue: Request[] = [];
  private current: { id: string; abort: AbortController } | null = null;
  private rl: Interface | null = null;
  private running = false;

  constructor(private readonly api: ApiClient) {}

  offer(req: Request): void {
    this.queue.push(req);
    void this.drain();
  }

  resolved(permissionId: string): void {
    const i = this.queue.findIndex((r) => r.permission_id === permissionId);
    if (i >= 0) this.queue.splice(i, 1);
    if (this.current?.id === permissionId) this.current.abort.abort();
  }

  close(): void {
    this.queue.length = 0;
    this.current?.abort.abort();
    this.rl?.close();
    this.rl = null;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let req = this.queue.shift(); req; req = this.queue.shift()) await this.ask(req);
    } finally {
      this.running = false;
    }
  }

  private async ask(req: Request): Promise<void> {
    const paint = paintFor(process.stderr);
    if (!this.rl) {
      this.rl = createInterface({ input: process.stdin, output: process.stderr });
      // The terminal is in raw mode while reading: pass Ctrl-C on to the command.
      this.rl.on('SIGINT', () => process.emit('SIGINT'));
    }
    const abort = new AbortController();
    this.current = { id: req.permission_id, abort };
    const question = `${paint.magenta(`Allow ${req.title}${req.kind ? ` (${req.kind})` : ''}?`)} [y] once  [a] always  [n] reject  [s] skip: `;
    try {
      for (;;) {
        const reply = (await this.rl.question(question, { signal: abort.signal })).trim().toLowerCase();
        if (!(reply in ANSWERS)) continue;
        const decision = ANSWERS[reply]!;
        if (decision === null) {
          const s = shortId(req.permission_id);
          process.stderr.write(paint.dim(`skipped: permission ${s} waits (boocode permit ${s} allow|always|reject)`) + '\n');
          return;
        }
        try {
          await this.api.call('answerPermission', { params: { id: req.permission_id }, body: { decision } });
        } catch (err) {
          const { ApiClientError, errorText } = await import('@boocode/client');
          const answered = err instanceof ApiClientError && err.code === 'already_resolved';
          process.stderr.write(`${answered ? `permission ${shortId(req.permission_id)} was already answered` : `boocode: ${errorText(err)}`}\n`);
        }
        return;
      }
    } catch (err) {
      // Withdrawn: answered elsewhere, or the command is ending.
      if (abort.signal.aborted) {
        process.stderr.write('\n');
        return;
      }
      throw err;
    } finally {
      this.current = null;
    }
  }
}
