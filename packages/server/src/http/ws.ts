import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { PROTOCOL_VERSION, StreamCapability, StreamQuery, streams, WsCloseCode, type HelloFrame, type InFlightTurn } from '@boocode/contracts';
import type { Broker, Subscription } from '../stream/broker.js';
import type { ReplayResult, Subscriber } from '../stream/replay-channel.js';
import type { Logger } from '../logger.js';
import type { Sql } from '../db/connection.js';
import { getSession } from '../db/sessions.js';
import type { TaskControl } from '../tasks/control.js';
import { DomainError } from '../errors.js';
import { originAllowed } from './auth.js';

export interface StreamOptions {
  broker: Broker;
  /** The server's version, sent in `hello`. */
  version: string;
  sql: Sql;
  log: Logger;
  /** A client whose unsent bytes exceed this is dropped (code 4008) and resumes by seq. */
  maxBufferedBytes: number;
  allowedOrigins: readonly string[];
  /** Turns in flight for a session, sent as `agent_snapshot` on connect. */
  inFlight: (sessionId: string) => Promise<InFlightTurn[]>;
  /** Sessions busy right now, sent on the user stream after its snapshot (sidebar badges). */
  activities: TaskControl['activities'];
  /** Writes the session's streamed text through, so a refetch after `snapshot` misses nothing. */
  flush: (sessionId: string) => Promise<void>;
}

const PING_MS = 30_000;

/**
 * Wires one socket to a channel. `hello` goes first; live frames that arrive while the (async)
 * opening frames are prepared are held back and sent after them, so the client sees one ordered stream.
 */
function attach(
  socket: WebSocket,
  opts: StreamOptions,
  capabilities: string[],
  subscribe: (sub: Subscriber) => Promise<Subscription>,
  opening: (replay: ReplayResult | null, lastSeq: number) => Promise<string[]>,
  logCtx: Record<string, unknown>,
): void {
  let held: string[] | null = [];
  let closed = false;
  let unsubscribe = () => {};
  const drop = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    unsubscribe();
    socket.close(code, reason);
    // A reader that stopped reading may never take the close frame either.
    setTimeout(() => socket.terminate(), 5_000).unref();
  };
  const send = (data: string) => {
    if (closed) return;
    if (socket.bufferedAmount > opts.maxBufferedBytes) {
      opts.log.warn({ ...logCtx, buffered: socket.bufferedAmount }, 'dropping slow stream consumer');
      drop(WsCloseCode.SlowConsumer, 'slow consumer: reconnect with after_seq');
      return;
    }
    socket.send(data);
  };
  const hello: HelloFrame = { type: 'hello', protocol: PROTOCOL_VERSION, server: opts.version, capabilities };
  send(JSON.stringify(hello));
  const ping = setInterval(() => socket.ping(), PING_MS);
  ping.unref();
  socket.on('close', () => {
    clearInterval(ping);
    closed = true;
    unsubscribe();
  });
  socket.on('error', (err) => opts.log.debug({ ...logCtx, err }, 'stream socket error'));
  subscribe({
    send: (data) => (held ? held.push(data) : send(data)),
    // This server missed frames of the stream: the client resumes by seq and gets a snapshot.
    drop: () => drop(WsCloseCode.SlowConsumer, 'frames missed: reconnect with after_seq'),
  })
    .then((sub) => {
      unsubscribe = sub.unsubscribe;
      if (closed) sub.unsubscribe();
      return closed ? [] : opening(sub.replay, sub.lastSeq);
    })
    .then((frames) => {
      for (const f of frames) send(f);
      const pending = held ?? [];
      held = null;
      for (const f of pending) send(f);
    })
    .catch((err: unknown) => {
      opts.log.error({ ...logCtx, err }, 'stream open failed');
      drop(1011, 'internal error');
    });
}

function afterSeqOf(req: FastifyRequest): number | undefined {
  const q = StreamQuery.safeParse(req.query ?? {});
  if (!q.success) throw new DomainError('invalid_request', 'after_seq: must be a non-negative integer');
  return q.data.after_seq;
}

export function registerStreams(app: FastifyInstance, opts: StreamOptions): void {
  const checkOrigin = async (req: FastifyRequest) => {
    if (!originAllowed(req, opts.allowedOrigins)) throw new DomainError('forbidden_origin', `origin ${req.headers.origin} is not allowed`);
    afterSeqOf(req);
  };

  app.get<{ Params: { id: string } }>(
    streams.sessionStream.path,
    {
      websocket: true,
      preValidation: async (req) => {
        await checkOrigin(req);
        const id = req.params.id;
        const ok = /^[0-9a-f-]{36}$/i.test(id) && (await getSession(opts.sql, id));
        if (!ok) throw new DomainError('not_found', `no session with id ${id}`);
      },
    },
    (socket, req) => {
      const sessionId = req.params.id;
      const afterSeq = afterSeqOf(req);
      const stamp = (lastSeq: number, payload: object) =>
        JSON.stringify({ ...payload, seq: lastSeq, session_id: sessionId, ts: new Date().toISOString() });
      attach(
        socket,
        opts,
        [StreamCapability.Replay, StreamCapability.AgentSnapshot],
        (sub) => opts.broker.subscribe(sessionId, sub, afterSeq),
        async (replay, lastSeq) => {
          if (replay?.kind === 'frames') return replay.frames;
          const reason = replay ? 'too_far_behind' : 'connect';
          await opts.flush(sessionId);
          const inFlight = await opts.inFlight(sessionId);
          return [stamp(lastSeq, { type: 'snapshot', reason }), stamp(lastSeq, { type: 'agent_snapshot', in_flight: inFlight })];
        },
        { session_id: sessionId },
      );
    },
  );

  app.get(streams.userEvents.path, { websocket: true, preValidation: checkOrigin }, (socket, req) => {
    const afterSeq = afterSeqOf(req);
    attach(
      socket,
      opts,
      [StreamCapability.Replay, StreamCapability.SessionActivity],
      (sub) => opts.broker.subscribeUser(sub, afterSeq),
      async (replay, lastSeq) => {
        if (replay?.kind === 'frames') return replay.frames;
        const reason = replay ? 'too_far_behind' : 'connect';
        const ts = new Date().toISOString();
        const busy = await opts.activities();
        return [
          JSON.stringify({ type: 'snapshot', reason, seq: lastSeq, ts }),
          ...busy.map((a) => JSON.stringify({ type: 'session_activity', ...a, seq: lastSeq, ts })),
        ];
      },
      { channel: 'user' },
    );
  });
}
