import { randomUUID } from 'node:crypto';
import type { Sql } from '../db/connection.js';
import { runningLeaseOwners } from '../db/tasks.js';
import type { Logger } from '../logger.js';
import type { StreamingMessages } from './streaming-messages.js';

/** `<worker id> <session id> <request id>`: that worker writes the session's streamed text through. */
export const FLUSH_CHANNEL = 'boocode_flush';
/** `<request id>`: done. */
export const FLUSHED_CHANNEL = 'boocode_flushed';

/**
 * Flushing across processes. A client opening a stream on one server refetches messages after
 * its `snapshot`, but the turn streaming into them may run on another process, whose writes are
 * coalesced: that process is asked (NOTIFY) to write through, and the snapshot waits for its
 * answer, or for `timeoutMs` when it is gone (its lease then expires and the turn is recovered).
 */
export class WriteThrough {
  private readonly answers = new Map<string, () => void>();
  private readonly unlisten: (() => Promise<void>)[] = [];

  constructor(
    private readonly sql: Sql,
    private readonly streaming: StreamingMessages,
    private readonly log: Logger,
    /** This process's worker, which answers requests naming it; null: no worker here. */
    private readonly workerId: string | null,
    private readonly timeoutMs = 2_000,
  ) {}

  /** `asks`: this process serves clients and asks others. */
  async start(opts: { asks: boolean }): Promise<void> {
    if (this.workerId) {
      const l = await this.sql.listen(FLUSH_CHANNEL, (payload) => {
        const [worker, sessionId, request] = payload.split(' ');
        if (worker !== this.workerId || !sessionId || !request) return;
        this.streaming
          .flushHere(sessionId)
          .then(() => this.sql.notify(FLUSHED_CHANNEL, request))
          .catch((err: unknown) => this.log.warn({ err, session_id: sessionId }, 'writing a session through for another server failed'));
      });
      this.unlisten.push(l.unlisten);
    }
    if (opts.asks) {
      const l = await this.sql.listen(FLUSHED_CHANNEL, (request) => this.answers.get(request)?.());
      this.unlisten.push(l.unlisten);
      this.streaming.elsewhere = (sessionId) => this.flushElsewhere(sessionId);
    }
  }

  private async flushElsewhere(sessionId: string): Promise<void> {
    const owners = (await runningLeaseOwners(this.sql, sessionId)).filter((o) => o !== this.workerId);
    await Promise.all(owners.map((owner) => this.ask(owner, sessionId)));
  }

  private ask(owner: string, sessionId: string): Promise<void> {
    const request = randomUUID();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn({ session_id: sessionId, worker: owner }, 'the worker running the turn did not write it through in time');
        done();
      }, this.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.answers.delete(request);
        resolve();
      };
      this.answers.set(request, done);
      this.sql.notify(FLUSH_CHANNEL, `${owner} ${sessionId} ${request}`).catch((err: unknown) => {
        this.log.warn({ err, session_id: sessionId }, 'asking another worker to write through failed');
        done();
      });
    });
  }

  async stop(): Promise<void> {
    this.streaming.elsewhere = null;
    for (const u of this.unlisten) await u().catch(() => {});
    for (const done of [...this.answers.values()]) done();
  }
}
