import { HelloFrame, TerminalCloseCode, TerminalServerMessage, streams, type TerminalExitReason, type TerminalSize } from '@boocode/contracts';
import { routeUrl } from '../http.js';
import { streamUrl } from './frame-streams.js';
import { ReconnectingSocket, type ReconnectOptions, type SocketStatus, type WebSocketLike } from './reconnecting-socket.js';

/** A WebSocket that also sends, and hands binary frames over as ArrayBuffers. */
export interface BinaryWebSocketLike extends WebSocketLike {
  binaryType: string;
  send(data: string | Uint8Array): void;
}

export interface TerminalSocketOptions extends ReconnectOptions<BinaryWebSocketLike> {
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
}

const encoder = new TextEncoder();

/** Reasons after which reconnecting brings the terminal back; the others mean it is gone. */
const RECONNECT_AFTER: ReadonlySet<TerminalExitReason> = new Set(['slow_consumer', 'closed']);

/**
 * One terminal's WebSocket: output and a snapshot on every (re)connect in, typed bytes and resizes out.
 * Reconnects with backoff until the terminal ends or the client stops; a reconnect starts from a fresh
 * snapshot, which holds what was printed while the connection was down.
 */
export class TerminalSocket extends ReconnectingSocket<BinaryWebSocketLike> {
  private live = false;

  constructor(private readonly opts: TerminalSocketOptions) {
    super(opts, null);
  }

  /** Whether input sent now reaches the terminal (connected, and the snapshot is in). */
  get connected(): boolean {
    return this.live;
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

  protected url(): string {
    return this.opts.url;
  }

  protected firstConnection(): boolean {
    return this.attempt === 0 && this.status !== 'reconnecting';
  }

  protected override opened(ws: BinaryWebSocketLike): void {
    ws.binaryType = 'arraybuffer';
  }

  protected override dropped(): void {
    this.live = false;
  }

  protected override closedForGood(code: number): boolean {
    if (code !== TerminalCloseCode.Ended) return false;
    this.finish();
    return true;
  }

  protected emitStatus(status: SocketStatus): void {
    this.opts.onStatus?.(status);
  }

  protected receive(data: unknown): void {
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
}

/** The `ws://` / `wss://` URL of a terminal's stream on the server at `baseUrl` ('' in a browser: the page's origin). */
export function terminalStreamUrl(baseUrl: string, terminalId: string): string {
  return streamUrl(baseUrl, routeUrl(streams.terminalStream.path, { id: terminalId }), null);
}
