import { z } from 'zod';
import { HelloFrame, WsCloseCode } from '@boocode/contracts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { SeqOrderer } from './seq-orderer.js';
import type { FramePlace, FrameStream } from './frame-streams.js';

export type SocketStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'closed';

/** The part of the WebSocket API this client uses (the browser's, Node's, or a fake one in tests). */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const globalTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

type WebSocketConstructor = new (url: string) => WebSocketLike;

/** What every frame has whatever its type: enough to keep the sequence going past it. */
const FrameEnvelope = z.object({ seq: z.number().int().nonnegative(), type: z.string() });

/** A frame that will not be delivered (unknown or refused) but whose seq counts as received. */
class Skipped {
  constructor(readonly seq: number) {}
}

export interface FrameSocketOptions<F extends { seq: number; type: string }> {
  /** Which stream this is: how its frames are validated and placed in the sequence. */
  stream: FrameStream<F>;
  url: (afterSeq: number | null) => string;
  onFrames: (frames: F[]) => void;
  onStatus: (status: SocketStatus) => void;
  /** The `hello` that opened the current connection. */
  onHello?: (hello: HelloFrame) => void;
  /** A frame the contracts refused: dropped, and reported so the UI can say so. */
  onInvalid?: (message: string) => void;
  /** Defaults to the runtime's global WebSocket (browsers, Node 22+). */
  open?: (url: string) => WebSocketLike;
  timers?: Timers;
  backoff?: BackoffOptions;
  /** A gap in seq that lasts this long is given up on: reconnect and replay from the last seq. */
  gapTimeoutMs?: number;
}

/**
 * A WebSocket that validates frames, releases them in seq order, and reconnects with backoff
 * and `after_seq` so the server replays exactly what was missed. A frame of a type this client
 * does not know (a newer server's) is skipped, and so is one the contracts refuse; either way its
 * seq counts as received, since waiting or reconnecting would only bring the same frame again.
 */
export class FrameSocket<F extends { seq: number; type: string }> {
  private ws: WebSocketLike | null = null;
  private orderer = new SeqOrderer<F | Skipped>();
  private place: (frame: F) => FramePlace;
  private attempt = 0;
  private retryTimer: unknown = null;
  private gapTimer: unknown = null;
  private stopped = false;
  private status: SocketStatus = 'connecting';
  private helloFrame: HelloFrame | null = null;
  private readonly timers: Timers;
  private readonly open: (url: string) => WebSocketLike;

  constructor(private readonly opts: FrameSocketOptions<F>) {
    this.timers = opts.timers ?? globalTimers;
    this.place = opts.stream.placer();
    if (opts.open) {
      this.open = opts.open;
    } else {
      const WS = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (!WS) throw new Error('this runtime has no global WebSocket (Node 22+ and browsers have one): pass `open`');
      this.open = (url) => new WS(url);
    }
  }

  get lastSeq(): number | null {
    return this.orderer.lastSeq;
  }

  /** The `hello` of the current connection; null before it arrives (or from a server that sends none). */
  get hello(): HelloFrame | null {
    return this.helloFrame;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      // Frames the browser already received are still dispatched after close(): detach them all.
      ws.onopen = null;
      ws.onmessage = null;
      ws.onerror = null;
      ws.onclose = null;
      ws.close(1000, 'client closed');
    }
    this.setStatus('closed');
  }

  /** Drops the connection and reconnects at once (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this.stopped || this.status === 'unauthorized') return;
    this.attempt = 0;
    if (this.ws) {
      this.ws.close(4000, 'reconnect');
      return;
    }
    // Waiting out a backoff delay: skip the rest of it.
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    this.setStatus(this.attempt === 0 && this.orderer.lastSeq === null ? 'connecting' : 'reconnecting');
    let ws: WebSocketLike;
    try {
      ws = this.open(this.opts.url(this.orderer.lastSeq));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setStatus('live');
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onerror = () => ws.close();
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.helloFrame = null;
      this.clearGapTimer();
      if (ev.code === WsCloseCode.Unauthorized) {
        this.setStatus('unauthorized');
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setStatus('reconnecting');
    const delay = backoffDelay(this.attempt++, this.opts.backoff ?? DEFAULT_BACKOFF);
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private receive(data: unknown): void {
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

  private clearTimers(): void {
    this.clearGapTimer();
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
  }

  private setStatus(s: SocketStatus): void {
    if (s === this.status) return;
    this.status = s;
    this.opts.onStatus(s);
  }
}
