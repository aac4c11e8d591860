import { connect, type Sql } from '../db/connection.js';
import { deleteOldFrameBodies, FRAMES_CHANNEL, getFrameBody, notifyFrameByPointer, notifyFrames, streamPosition } from '../db/frame-bus.js';
import type { Logger } from '../logger.js';
import type { FrameBus, FrameReceiver } from './frame-bus.js';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD = 7999;
/** Room for `<stream> <seq>` in front of the frames. */
const HEADER = 64;
/** Stored bodies are deleted after this long: every listener has fetched them by then. */
const BODY_TTL_MS = 60_000;

interface Queued {
  stream: string;
  data: string;
  bytes: number;
  resolve: (seq: number | null) => void;
}

export interface PostgresFrameBusOptions {
  /** The database: a connection of its own publishes, so statements run in the order sent. */
  url: string;
  /** The process's pool: LISTEN, positions, stored bodies. */
  sql: Sql;
  log: Logger;
}

/**
 * The bus of processes sharing one database (`serve --no-worker`, `worker`, several servers).
 * Frames published in the same tick are stamped and NOTIFYd together, per stream, by one
 * statement that increments the stream's seq in `frame_streams`: that row lock orders the
 * commits, and PostgreSQL delivers notifications in commit order, so every listener (this
 * process included) receives a stream's frames gap-free and in seq order. A frame too large for a
 * payload travels by pointer (`frame_bodies`). Payload: `<stream> <first seq>`, then one frame
 * JSON (without seq) per line; `@<id>` stands for a stored frame.
 */
export class PostgresFrameBus implements FrameBus {
  readonly kind = 'postgres';
  private readonly pub: Sql;
  private queue: Queued[] = [];
  private scheduled = false;
  /** The statements of the batch in flight; frames published meanwhile make the next batch. */
  private sending: Promise<void> | null = null;
  private receiver: FrameReceiver | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  /** Notifications wait behind one whose stored frame is being fetched, to stay in order. */
  private delivering: Promise<void> | null = null;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly opts: PostgresFrameBusOptions) {
    this.pub = connect(opts.url, { max: 1 });
    this.sweeper = setInterval(() => {
      deleteOldFrameBodies(opts.sql, BODY_TTL_MS).catch((err: unknown) => opts.log.warn({ err }, 'deleting old frame bodies failed'));
    }, BODY_TTL_MS / 2);
    this.sweeper.unref();
  }

  publish(stream: string, frame: Record<string, unknown>): Promise<number | null> {
    const data = JSON.stringify(frame);
    return new Promise((resolve) => {
      this.queue.push({ stream, data, bytes: Buffer.byteLength(data), resolve });
      if (!this.scheduled && !this.sending) {
        this.scheduled = true;
        queueMicrotask(() => this.send());
      }
    });
  }

  /**
   * Sends what is queued, per stream in publish order, one statement per run of frames that fits a
   * payload (a large frame alone), and nothing more until they are done: at a low rate a frame
   * waits for no other, at a high rate the batches grow instead of the statements queueing up.
   */
  private send(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const byStream = new Map<string, Queued[]>();
    for (const f of this.queue) {
      const list = byStream.get(f.stream);
      if (list) list.push(f);
      else byStream.set(f.stream, [f]);
    }
    this.queue = [];
    const sent: Promise<unknown>[] = [];
    for (const [stream, frames] of byStream) {
      const room = MAX_PAYLOAD - HEADER - Buffer.byteLength(stream);
      for (let i = 0; i < frames.length; ) {
        if (frames[i]!.bytes + 1 > room) {
          const f = frames[i++]!;
          sent.push(this.settle([f], notifyFrameByPointer(this.pub, stream, f.data)));
          continue;
        }
        let body = '';
        let used = 0;
        const group: Queued[] = [];
        while (i < frames.length && used + frames[i]!.bytes + 1 <= room) {
          const f = frames[i++]!;
          body += '\n' + f.data;
          used += f.bytes + 1;
          group.push(f);
        }
        sent.push(this.settle(group, notifyFrames(this.pub, stream, group.length, body)));
      }
    }
    this.sending = Promise.all(sent).then(() => {
      this.sending = null;
      this.send();
    });
  }

  private settle(group: Queued[], stamped: Promise<number>): Promise<void> {
    return stamped.then(
      (first) => group.forEach((f, k) => f.resolve(first + k)),
      (err: unknown) => {
        this.opts.log.error({ err, stream: group[0]!.stream, frames: group.length }, 'publishing frames failed');
        for (const f of group) f.resolve(null);
      },
    );
  }

  position(stream: string): Promise<number> {
    return streamPosition(this.opts.sql, stream);
  }

  async listen(receiver: FrameReceiver): Promise<void> {
    this.receiver = receiver;
    let listening = false;
    const l = await this.opts.sql.listen(
      FRAMES_CHANNEL,
      (payload) => this.onNotify(payload),
      // Called again after a reconnect: whatever was notified in between is gone.
      () => {
        if (listening) {
          this.opts.log.warn('frame bus reconnected; streams restart from their next frame');
          this.receiver?.lost();
        }
        listening = true;
      },
    );
    this.unlisten = l.unlisten;
  }

  private onNotify(payload: string): void {
    const nl = payload.indexOf('\n');
    const sp = payload.indexOf(' ');
    if (nl < 0 || sp < 0 || sp > nl) {
      this.opts.log.error({ payload: payload.slice(0, 200) }, 'malformed frame notification');
      return;
    }
    const stream = payload.slice(0, sp);
    const first = Number(payload.slice(sp + 1, nl));
    const lines = payload.slice(nl + 1).split('\n');
    if (this.delivering || lines.some((l) => l.startsWith('@'))) {
      const after = this.delivering ?? Promise.resolve();
      const mine: Promise<void> = after
        .then(() => this.deliverStored(stream, first, lines))
        .catch((err: unknown) => this.opts.log.error({ err, stream }, 'delivering frames failed'))
        .finally(() => {
          if (this.delivering === mine) this.delivering = null;
        });
      this.delivering = mine;
    } else this.deliver(stream, first, lines);
  }

  private deliver(stream: string, first: number, lines: (string | null)[]): void {
    lines.forEach((line, k) => {
      const seq = first + k;
      this.receiver?.frame(stream, seq, line === null ? null : `{"seq":${seq},${line.slice(1)}`);
    });
  }

  private async deliverStored(stream: string, first: number, lines: string[]): Promise<void> {
    const bodies = await Promise.all(
      lines.map((l) =>
        l.startsWith('@')
          ? getFrameBody(this.opts.sql, l.slice(1)).catch((err: unknown) => {
              this.opts.log.error({ err, stream }, 'fetching a stored frame failed');
              return null;
            })
          : l,
      ),
    );
    this.deliver(stream, first, bodies);
  }

  forget(): void {
    // Positions live in the database.
  }

  private closing: Promise<void> | null = null;

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.sweeper);
      if (!this.sending) this.send();
      while (this.sending) await this.sending;
      await this.unlisten?.().catch(() => {});
      this.receiver = null;
      await this.pub.end({ timeout: 5 });
    })();
    return this.closing;
  }
}
