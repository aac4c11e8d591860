import { HelloFrame, TerminalCloseCode, TerminalServerMessage, WsCloseCode, streams, type TerminalExitReason, type TerminalSize } from '@boocode/contracts';
import { routeUrl } from '../http.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { SocketStatus, Timers, WebSocketLike } from './frame-socket.js';
import { streamUrl } from './frame-streams.js';

/** A WebSocket that also sends, and hands binary frames over as ArrayBuffers. */
export interface BinaryWebSocketLike extends WebSocketLike {
  binaryType: string;
  send(data: string | Uint8Array): void;
}

type WebSocketConstructor = new (url: string) => BinaryWebSocketLike;

const globalTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface TerminalSocketOptions {
  /** `ws(s)://host:port/api/terminals/<id>/stream` (see `terminalStreamUrl`). */
  url: string;
  /**
   * Reset the terminal to this size: the output that follows repaints scrollback and screen. Comes on
   * every (re)connect, so nothing printed while the connection was down is lost.
   */
  onSnapshot(snapshot: { reason: 'attach' | 'resync'; cols: number; rows: number }): void;
  /** Output bytes, in order. */
  onOutput(data: Uint8Array): void;
  /** Another client (or the API) resized the terminal. */
  onResize?(size: TerminalSize): void;
  /** The terminal is gone (its shell exited or it was killed): the socket stops for good. */
  onExit?(reason: TerminalExitReason): void;
  /** The server refused something this client sent (an absurd size); the stream goes on. */
  onError?(error: { code: string; message: string }): void;
  onStatus?(status: SocketStatus): void;
  onHello?(hello: HelloFrame): void;
  /** Defaults to the runtime's global WebSocket (browsers, Node 22+); Node 20 passes one built on `ws`. */
  open?: (url: string) => BinaryWebSocketLike;
  timers?: Timers;
  backoff?: BackoffOptions;
}

const encoder = new TextEncoder();

/** Reasons after which reconnecting brings the terminal back; the others mean it is gone. */
const RECONNECT_AFTER: ReadonlySet<TerminalExitReason> = new Set(['slow_consumer', 'closed']);

/**
 * One terminal's WebSocket: output and a snapshot on every (re)connect in, typed bytes and resizes out.
 * Reconnects with backoff until the terminal ends or the client stops; a reconnect starts from a fresh
 * snapshot, which holds what was printed while the connection was down.
 */
export class TerminalSocket {
  private ws: BinaryWebSocketLike | null = null;
  private attempt = 0;
  private retryTimer: unknown = null;
  private stopped = false;
  private live = false;
  private status: SocketStatus | null = null;
  private readonly timers: Timers;
  private readonly open: (url: string) => BinaryWebSocketLike;

  constructor(private readonly opts: TerminalSocketOptions) {
    this.timers = opts.timers ?? globalTimers;
    if (opts.open) {
      this.open = opts.open;
    } else {
      const WS = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (!WS) throw new Error('this runtime has no global WebSocket (Node 22+ and browsers have one): pass `open`');
      this.open = (url) => new WS(url);
    }
  }

  /** Whether input sent now reaches the terminal (connected, and the snapshot is in). */
  get connected(): boolean {
    return this.live;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.live = false;
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = null;
      ws.onmessage = null;
      ws.onerror = null;
      ws.onclose = null;
      ws.close(1000, 'client closed');
    }
    this.setStatus('closed');
  }

  /** Reconnects at once (the browser came back online), skipping what is left of a backoff delay. */
  reconnectNow(): void {
    if (this.stopped || this.status === 'unauthorized') return;
    this.attempt = 0;
    if (this.ws) {
      this.ws.close(4000, 'reconnect');
      return;
    }
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  /** Types `data` (text as UTF-8). Returns false, dropping it, while disconnected: nothing is typed blind later. */
  write(data: string | Uint8Array): boolean {
    if (!this.live || !this.ws) return false;
    this.ws.send(typeof data === 'string' ? encoder.encode(data) : data);
    return true;
  }

  /** Asks for a new size; every client of the terminal, this one too, then gets `onResize`. */
  resize(size: TerminalSize): boolean {
    if (!this.live || !this.ws) return false;
    this.ws.send(JSON.stringify({ type: 'resize', cols: size.cols, rows: size.rows }));
    return true;
  }

  private connect(): void {
    if (this.stopped) return;
    this.setStatus(this.attempt === 0 && this.status !== 'reconnecting' ? 'connecting' : 'reconnecting');
    let ws: BinaryWebSocketLike;
    try {
      ws = this.open(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onerror = () => ws.close();
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.live = false;
      if (ev.code === WsCloseCode.Unauthorized) return this.setStatus('unauthorized');
      if (ev.code === TerminalCloseCode.Ended) return this.finish();
      this.scheduleReconnect();
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (bytes) this.opts.onOutput(bytes);
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return;
    }
    const hello = HelloFrame.safeParse(raw);
    if (hello.success) return this.opts.onHello?.(hello.data);
    // A message type this client does not know is a newer server's: ignored.
    const parsed = TerminalServerMessage.safeParse(raw);
    if (!parsed.success) return;
    const m = parsed.data;
    switch (m.type) {
      case 'snapshot':
        this.attempt = 0;
        this.live = true;
        this.setStatus('live');
        this.opts.onSnapshot({ reason: m.reason, cols: m.cols, rows: m.rows });
        return;
      case 'resize':
        this.opts.onResize?.({ cols: m.cols, rows: m.rows });
        return;
      case 'error':
        this.opts.onError?.({ code: m.error, message: m.message });
        return;
      case 'exit':
        this.live = false;
        if (RECONNECT_AFTER.has(m.reason)) return;
        this.opts.onExit?.(m.reason);
        this.finish();
        return;
    }
  }

  /** The terminal ended: no reconnect. */
  private finish(): void {
    if (this.stopped) return;
    this.stopped = true;
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.onclose = null;
    this.setStatus('closed');
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

  private setStatus(s: SocketStatus): void {
    if (s === this.status) return;
    this.status = s;
    this.opts.onStatus?.(s);
  }
}

/** The `ws://` / `wss://` URL of a terminal's stream on the server at `baseUrl` ('' in a browser: the page's origin). */
export function terminalStreamUrl(baseUrl: string, terminalId: string): string {
  return streamUrl(baseUrl, routeUrl(streams.terminalStream.path, { id: terminalId }), null);
}
