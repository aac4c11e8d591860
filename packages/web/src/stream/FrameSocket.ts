import { WsCloseCode } from '@boocode/contracts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { SeqOrderer } from './seqOrderer';

export type SocketStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'closed';

/** The part of the browser WebSocket this client uses (a fake one in tests). */
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

const browserTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * How a frame relates to the sequence. `reset`: a snapshot; the client refetches state and
 * continues after its seq. `aside`: outside the sequence (it carries the current seq rather
 * than a new one), delivered where it arrives. `ordered`: everything else.
 */
export type FramePlace = 'reset' | 'aside' | 'ordered';

export interface FrameSocketOptions<F extends { seq: number }> {
  url: (afterSeq: number | null) => string;
  parse: (raw: unknown) => { success: true; data: F } | { success: false; error: { message: string } };
  place: (frame: F) => FramePlace;
  onFrames: (frames: F[]) => void;
  onStatus: (status: SocketStatus) => void;
  /** A frame the contracts refused: dropped, and reported so the UI can say so. */
  onInvalid?: (message: string) => void;
  open?: (url: string) => WebSocketLike;
  timers?: Timers;
  backoff?: BackoffOptions;
  /** A gap in seq that lasts this long is given up on: reconnect and replay from the last seq. */
  gapTimeoutMs?: number;
}

/**
 * A WebSocket that validates frames, releases them in seq order, and reconnects with backoff
 * and `after_seq` so the server replays exactly what was missed.
 */
export class FrameSocket<F extends { seq: number }> {
  private ws: WebSocketLike | null = null;
  private orderer = new SeqOrderer<F>();
  private attempt = 0;
  private retryTimer: unknown = null;
  private gapTimer: unknown = null;
  private stopped = false;
  private status: SocketStatus = 'connecting';
  private readonly timers: Timers;

  constructor(private readonly opts: FrameSocketOptions<F>) {
    this.timers = opts.timers ?? browserTimers;
  }

  get lastSeq(): number | null {
    return this.orderer.lastSeq;
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
    const open = this.opts.open ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
    let ws: WebSocketLike;
    try {
      ws = open(this.opts.url(this.orderer.lastSeq));
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
    const parsed = this.opts.parse(raw);
    if (!parsed.success) {
      this.opts.onInvalid?.(parsed.error.message);
      return;
    }
    const frame = parsed.data;
    const place = this.opts.place(frame);
    if (place === 'reset') {
      const after = this.orderer.resetTo(frame.seq);
      this.deliver([frame, ...after]);
      return;
    }
    if (place === 'aside') {
      this.deliver([frame]);
      return;
    }
    const ready = this.orderer.push(frame);
    if (ready.length) this.deliver(ready);
    this.watchGap();
  }

  private deliver(frames: F[]): void {
    this.opts.onFrames(frames);
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

/** `ws://` or `wss://` URL for an API path on this origin. */
export function wsUrl(path: string, query: Record<string, string | number | null>): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null) q.set(k, String(v));
  const s = q.toString();
  return `${proto}//${location.host}${path}${s ? `?${s}` : ''}`;
}
