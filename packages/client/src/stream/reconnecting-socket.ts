import { WsCloseCode } from '@boocode/contracts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';

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

export interface ReconnectOptions<W extends WebSocketLike> {
  /** Defaults to the runtime's global WebSocket (browsers, Node 22+); Node 20 passes one built on `ws`. */
  open?: (url: string) => W;
  timers?: Timers;
  backoff?: BackoffOptions;
}

/**
 * What the session, user and terminal streams share: one WebSocket at a time, reconnected with
 * backoff until stopped or refused (a bad token stops for good: retrying cannot fix it).
 * Subclasses say which URL to open, what a message means and what a close means.
 */
export abstract class ReconnectingSocket<W extends WebSocketLike> {
  protected ws: W | null = null;
  protected attempt = 0;
  protected stopped = false;
  protected status: SocketStatus | null;
  protected readonly timers: Timers;
  private retryTimer: unknown = null;
  private readonly openSocket: (url: string) => W;

  constructor(
    private readonly reconnect: ReconnectOptions<W>,
    initialStatus: SocketStatus | null,
  ) {
    this.timers = reconnect.timers ?? globalTimers;
    this.status = initialStatus;
    if (reconnect.open) {
      this.openSocket = reconnect.open;
    } else {
      const WS = (globalThis as unknown as { WebSocket?: new (url: string) => W }).WebSocket;
      if (!WS) throw new Error('this runtime has no global WebSocket (Node 22+ and browsers have one): pass `open`');
      this.openSocket = (url) => new WS(url);
    }
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearRetry();
    this.dropped();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      // Messages the browser already received are still dispatched after close(): detach them all.
      ws.onopen = null;
      ws.onmessage = null;
      ws.onerror = null;
      ws.onclose = null;
      ws.close(1000, 'client closed');
    }
    this.setStatus('closed');
  }

  /** Drops the connection and reconnects at once (e.g. the browser came back online), skipping what is left of a backoff delay. */
  reconnectNow(): void {
    if (this.stopped || this.status === 'unauthorized') return;
    this.attempt = 0;
    if (this.ws) {
      this.ws.close(4000, 'reconnect');
      return;
    }
    this.clearRetry();
    this.connect();
  }

  /** The URL of the next connection. */
  protected abstract url(): string;
  /** Whether the next connection is the first one (`connecting`) or a retry (`reconnecting`). */
  protected abstract firstConnection(): boolean;
  protected abstract receive(data: unknown): void;
  protected abstract emitStatus(status: SocketStatus): void;
  /** The socket was opened: set it up before any message arrives. */
  protected opened(_ws: W): void {}
  /** The connection is gone (closed, or the client stopped): forget what belonged to it. */
  protected dropped(): void {}
  /** A close code after which reconnecting is pointless; returns true when it handled it. */
  protected closedForGood(_code: number): boolean {
    return false;
  }

  private connect(): void {
    if (this.stopped) return;
    this.setStatus(this.firstConnection() ? 'connecting' : 'reconnecting');
    let ws: W;
    try {
      ws = this.openSocket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.opened(ws);
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onerror = () => ws.close();
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.dropped();
      if (ev.code === WsCloseCode.Unauthorized) return this.setStatus('unauthorized');
      if (this.closedForGood(ev.code)) return;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setStatus('reconnecting');
    const delay = backoffDelay(this.attempt++, this.reconnect.backoff ?? DEFAULT_BACKOFF);
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
  }

  protected setStatus(s: SocketStatus): void {
    if (s === this.status) return;
    this.status = s;
    this.emitStatus(s);
  }
}
