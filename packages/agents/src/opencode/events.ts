import { delay, deferred } from '../external/abort.js';
import { errorMessage, type AgentLogger } from '../external/logger.js';
import { directoryHeaders } from './client.js';
import type { OpenCodeEndpoint } from './server.js';
import { readSse } from './sse.js';
import { Envelope, parseSessionEvent, type SessionEvent } from './wire.js';

export interface SessionListener {
  onEvent(event: SessionEvent): void;
  /** The stream reconnected: events in the gap were lost, reconcile from stored messages. */
  onReconnect(): void;
}

/** No byte for this long (opencode sends `server.heartbeat` every ~10 s) means a dead connection. */
const STALL_MS = 45_000;
const RETRY_MS = [250, 500, 1_000, 2_000];

/**
 * One `GET /event` subscription for one project directory, shared by every session of that
 * directory and demultiplexed by session id. The stream does not replay, so it is opened (and
 * `ready` awaited) before any prompt is sent, and kept open between turns so warm turns pay
 * nothing. It reconnects on its own; listeners hear about every reconnect.
 */
export class DirectoryEventStream {
  private readonly listeners = new Map<string, Set<SessionListener>>();
  private readonly readyDeferred = deferred<void>();
  private readonly abort = new AbortController();
  private current: AbortController | null = null;
  private connectedOnce = false;
  private closed = false;

  constructor(
    readonly endpoint: OpenCodeEndpoint,
    readonly directory: string,
    private readonly logger: AgentLogger,
  ) {
    // Nobody may be awaiting `ready` when a stream that never connected is closed.
    this.readyDeferred.promise.catch(() => undefined);
    void this.run();
  }

  /** Resolves once the first connection is established (`server.connected` received). */
  get ready(): Promise<void> {
    return this.readyDeferred.promise;
  }

  subscribe(sessionId: string, listener: SessionListener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) {
      set = new Set();
      this.listeners.set(sessionId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(sessionId);
    };
  }

  /** Drops the current connection; the stream reconnects and listeners reconcile. */
  reconnect(): void {
    this.current?.abort(new Error('reconnect requested'));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort(new Error('event stream closed'));
    this.readyDeferred.reject(new Error('event stream closed before it connected'));
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      const attempt = new AbortController();
      this.current = attempt;
      const signal = AbortSignal.any([this.abort.signal, attempt.signal]);
      try {
        await this.consume(signal, () => {
          failures = 0;
        });
        if (!this.closed) this.logger.warn({ directory: this.directory }, 'opencode: event stream ended; reconnecting');
      } catch (err) {
        if (this.closed) return;
        failures++;
        this.logger.warn(
          { directory: this.directory, err: errorMessage(err), failures },
          'opencode: event stream failed; reconnecting',
        );
      }
      const wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]!;
      await delay(wait, this.abort.signal).catch(() => undefined);
    }
  }

  private async consume(outer: AbortSignal, onConnected: () => void): Promise<void> {
    const stalled = new AbortController();
    let stallTimer: NodeJS.Timeout | undefined;
    const armStall = (): void => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => stalled.abort(new Error(`no data for ${STALL_MS} ms`)), STALL_MS);
    };
    armStall();
    try {
      const res = await fetch(`${this.endpoint.url}/event`, {
        headers: { ...directoryHeaders(this.endpoint, this.directory), accept: 'text/event-stream' },
        signal: AbortSignal.any([outer, stalled.signal]),
      });
      if (!res.ok || !res.body) throw new Error(`GET /event answered ${res.status}`);
      for await (const msg of readSse(res.body)) {
        armStall();
        this.dispatch(msg.data, onConnected);
      }
    } finally {
      clearTimeout(stallTimer);
    }
  }

  private dispatch(data: string, onConnected: () => void): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.logger.warn({ data: data.slice(0, 200) }, 'opencode: unparsable event');
      return;
    }
    const env = Envelope.safeParse(json);
    if (!env.success) return;
    if (env.data.type === 'server.connected') {
      onConnected();
      if (this.connectedOnce) {
        for (const set of this.listeners.values()) for (const l of set) l.onReconnect();
      }
      this.connectedOnce = true;
      this.readyDeferred.resolve();
      return;
    }
    const event = parseSessionEvent(env.data.type, env.data.properties);
    if (!event) return;
    const set = this.listeners.get(event.sessionID);
    if (!set) return;
    for (const l of set) l.onEvent(event);
  }
}
