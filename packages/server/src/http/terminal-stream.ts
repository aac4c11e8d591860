import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import {
  PROTOCOL_VERSION,
  streams,
  TerminalClientMessage,
  TerminalCloseCode,
  WsCloseCode,
  type HelloFrame,
  type TerminalExitReason,
  type TerminalServerMessage,
} from '@boocode/contracts';
import type { Logger } from '../logger.js';
import { DomainError } from '../errors.js';
import type { Attachment, TerminalManager } from '../terminals/index.js';
import { originAllowed } from './auth.js';

export interface TerminalStreamOptions {
  terminals: TerminalManager;
  version: string;
  log: Logger;
  /** A client whose unsent bytes exceed this is dropped (code 4008); it reconnects and gets a snapshot. */
  maxBufferedBytes: number;
  allowedOrigins: readonly string[];
}

const PING_MS = 30_000;

const CLOSE_CODE: Record<TerminalExitReason, number> = {
  exited: TerminalCloseCode.Ended,
  killed: TerminalCloseCode.Ended,
  slow_consumer: WsCloseCode.SlowConsumer,
  closed: WsCloseCode.ServerShutdown,
};

/**
 * `/api/terminals/:id/stream`: one socket per terminal and client. Output goes out as binary frames,
 * preceded on attach by a `snapshot` message and the screen; input comes in as binary frames, written
 * in the order received (several clients' input interleaves); resizes are JSON messages.
 */
export function registerTerminalStream(app: FastifyInstance, opts: TerminalStreamOptions): void {
  app.get<{ Params: { id: string } }>(
    streams.terminalStream.path,
    {
      websocket: true,
      preValidation: async (req) => {
        if (!originAllowed(req, opts.allowedOrigins)) throw new DomainError('forbidden_origin', `origin ${req.headers.origin} is not allowed`);
        // Unknown id, tmux missing: refused before the upgrade, with the status and body of the REST routes.
        await opts.terminals.get(req.params.id);
      },
    },
    (socket, req) => serveTerminal(socket, req.params.id, opts),
  );
}

function serveTerminal(socket: WebSocket, terminalId: string, opts: TerminalStreamOptions): void {
  const log = opts.log.child({ terminal_id: terminalId });
  let closed = false;
  const sendJson = (m: TerminalServerMessage | HelloFrame) => {
    if (!closed) socket.send(JSON.stringify(m));
  };
  const end = (reason: TerminalExitReason) => {
    if (closed) return;
    sendJson({ type: 'exit', reason });
    closed = true;
    socket.close(CLOSE_CODE[reason], reason);
    // A reader that stopped reading may never take the close frame either.
    setTimeout(() => socket.terminate(), 5_000).unref();
  };
  const refuse = (err: unknown) => {
    if (err instanceof DomainError) {
      sendJson({ type: 'error', error: err.code, message: err.message });
      return;
    }
    log.error({ err }, 'terminal stream request failed');
    sendJson({ type: 'error', error: 'internal', message: 'internal server error' });
  };

  sendJson({ type: 'hello', protocol: PROTOCOL_VERSION, server: opts.version, capabilities: [] });
  const attaching: Promise<Attachment | null> = opts.terminals
    .attach(terminalId, {
      onSnapshot: (s) => {
        sendJson({ type: 'snapshot', reason: s.reason, cols: s.cols, rows: s.rows });
        if (!closed) socket.send(s.data);
      },
      onData: (chunk) => {
        if (!closed) socket.send(chunk);
      },
      onResize: (size) => sendJson({ type: 'resize', ...size }),
      onEnd: (reason) => {
        if (reason === 'slow_consumer') log.warn({ buffered: socket.bufferedAmount }, 'dropping slow terminal client');
        end(reason);
      },
      backlog: () => socket.bufferedAmount,
      maxBacklog: opts.maxBufferedBytes,
    })
    .then(
      (a) => {
        if (closed) a.close();
        return a;
      },
      (err: unknown) => {
        refuse(err);
        // It ended between the check and the attach; anything else is this server's fault.
        end(err instanceof DomainError ? 'exited' : 'closed');
        return null;
      },
    );

  // Messages are handled in arrival order: each waits for the attachment, then for nothing else.
  socket.on('message', (data, isBinary) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    void attaching.then(async (a) => {
      if (!a?.active) return;
      try {
        if (isBinary) return await a.write(bytes);
        const msg = parseClientMessage(bytes);
        if (msg.type === 'resize') await a.resize({ cols: msg.cols, rows: msg.rows });
      } catch (err) {
        refuse(err);
      }
    });
  });

  let alive = true;
  socket.on('pong', () => (alive = true));
  const ping = setInterval(() => {
    // No answer to the last ping: the connection is dead (network gone), stop holding output for it.
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
  }, PING_MS);
  ping.unref();
  socket.on('close', () => {
    closed = true;
    clearInterval(ping);
    void attaching.then((a) => a?.close());
  });
  socket.on('error', (err) => log.debug({ err }, 'terminal socket error'));
}

function parseClientMessage(bytes: Buffer): TerminalClientMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new DomainError('invalid_request', 'a text message must be JSON such as {"type":"resize","cols":80,"rows":24}; input goes in binary frames');
  }
  const r = TerminalClientMessage.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new DomainError('invalid_request', `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}
