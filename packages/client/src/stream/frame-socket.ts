import { z } from 'zod';
import { HelloFrame } from '@boocode/contracts';
import { ReconnectingSocket, type ReconnectOptions, type SocketStatus, type WebSocketLike } from './reconnecting-socket.js';
import { SeqOrderer } from './seq-orderer.js';
import type { FramePlace, FrameStream } from './frame-streams.js';

/** What every frame has whatever its type: enough to keep the sequence going past it. */
const FrameEnvelope = z.object({ seq: z.number().int().nonnegative(), type: z.string() });

/** A frame that will not be delivered (unknown or refused) but whose seq counts as received. */
class Skipped {
  constructor(readonly seq: number) {}
}

export interface FrameSocketOptions<F extends { seq: number; type: string }> extends ReconnectOptions<WebSocketLike> {
  /** Which stream this is: how its frames are validated and placed in the sequence. */
  stream: FrameStream<F>;
  url: (afterSeq: number | null) => string;
  onFrames: (frames: F[]) => void;
  onStatus: (status: SocketStatus) => void;
  /** The `hello` that opened the current connection. */
  onHello?: (hello: HelloFrame) => void;
  /** A frame the contracts refused: dropped, and reported so the UI can say so. */
  onInvalid?: (message: string) => void;
  /** A gap in seq that lasts this long is given up on: reconnect and replay from the last seq. */
  gapTimeoutMs?: number;
}

/**
 * A WebSocket that validates frames, releases them in seq order, and reconnects with backoff
 * and `after_seq` so the server replays exactly what was missed. A frame of a type this client
 * does not know (a newer server's) is skipped, and so is one the contracts refuse; either way its
 * seq counts as received, since waiting or reconnecting would only bring the same frame again.
 */
export class FrameSocket<F extends { seq: number; type: string }> extends ReconnectingSocket<WebSocketLike> {
  private orderer = new SeqOrderer<F | Skipped>();
  private place: (frame: F) => FramePlace;
  private gapTimer: unknown = null;
  private helloFrame: HelloFrame | null = null;

  constructor(private readonly opts: FrameSocketOptions<F>) {
    super(opts, 'connecting');
    this.place = opts.stream.placer();
  }

  get lastSeq(): number | null {
    return this.orderer.lastSeq;
  }

  /** The `hello` of the current connection; null before it arrives (or from a server that sends none). */
  get hello(): HelloFrame | null {
    return this.helloFrame;
  }

  protected url(): string {
    return this.opts.url(this.orderer.lastSeq);
  }

  protected firstConnection(): boolean {
    return this.attempt === 0 && this.orderer.lastSeq === null;
  }

  protected override opened(ws: WebSocketLike): void {
    ws.onopen = () => {
      this.attempt = 0;
      this.setStatus('live');
    };
  }

  protected override dropped(): void {
    this.helloFrame = null;
    this.clearGapTimer();
  }

  protected emitStatus(status: SocketStatus): void {
    this.opts.onStatus(status);
  }

  protected receive(data: unknown): void {
    let raw: unknown;
    try {
      raw = JSON.parse(typeof data === 'string' ? data : '');
    } catch {
      this.opts.onInvalid?.('a frame was not JSON');
      return;
    }
    if ((raw as { type?: unknown } | null)?.type === 'hello') {
      const hello = HelloFrame.safeParse(raw);
      if (!hello.success) {
        this.opts.onInvalid?.(`hello: ${hello.error.message}`);
        return;
      }
      this.helloFrame = hello.data;
      this.opts.onHello?.(hello.data);
      return;
    }
    const parsed = this.opts.stream.parse(raw);
    if (parsed.success) {
      this.accept(parsed.data);
      return;
    }
    const envelope = FrameEnvelope.safeParse(raw);
    // Without a seq there is no place in the sequence to skip.
    if (!envelope.success) {
      this.opts.onInvalid?.(parsed.error.message);
      return;
    }
    // A type this client does not know is a newer server's addition: ignored, not an error.
    if (this.opts.stream.types.has(envelope.data.type)) this.opts.onInvalid?.(`${envelope.data.type}: ${parsed.error.message}`);
    this.release(this.orderer.push(new Skipped(envelope.data.seq)));
  }

  private accept(frame: F): void {
    const place = this.place(frame);
    if (place === 'reset') {
      const after = this.orderer.resetTo(frame.seq);
      this.deliver([frame, ...after]);
      return;
    }
    if (place === 'aside') {
      this.deliver([frame]);
      return;
    }
    this.release(this.orderer.push(frame));
  }

  private release(ready: Array<F | Skipped>): void {
    if (ready.length) this.deliver(ready);
    this.watchGap();
  }

  private deliver(frames: Array<F | Skipped>): void {
    const out = frames.filter((f): f is F => !(f instanceof Skipped));
    if (out.length) this.opts.onFrames(out);
  }

  /** Frames held behind a gap: if it is not filled soon, resume from the last applied seq. */
  private watchGap(): void {
    if (this.orderer.heldCount === 0) {
      this.clearGapTimer();
      return;
    }
    if (this.gapTimer !== null) return;
    this.gapTimer = this.timers.set(() => {
      this.gapTimer = null;
      if (this.orderer.heldCount === 0) return;
      this.orderer.clearHeld();
      this.reconnectNow();
    }, this.opts.gapTimeoutMs ?? 2000);
  }

  private clearGapTimer(): void {
    if (this.gapTimer !== null) this.timers.clear(this.gapTimer);
    this.gapTimer = null;
  }
}
