import type { SocketStatus, WebSocketLike } from '@boocode/client';
import type { ServerConnection } from '@boocode/client/node';
import type { SessionFrame } from '@boocode/contracts';
import { CliError, ExitCode } from '../exit-codes.js';

/**
 * A session's live frames, in seq order, one at a time: `for await (const frame of feed)`. The
 * socket reconnects by itself and resumes after the last seq; a `snapshot` frame says that what
 * came before it must be fetched again from the API.
 */
export interface SessionFeed extends AsyncIterable<SessionFrame> {
  close(): void;
}

export async function openSessionFeed(
  server: ServerConnection,
  sessionId: string,
  onStatus: (status: SocketStatus) => void = () => {},
): Promise<SessionFeed> {
  // Node 20 has no global WebSocket, and the token goes in a header; loaded only by the commands that stream.
  const [{ default: WebSocket }, { FrameSocket, sessionFrames, sessionStreamPath, streamUrl }] = await Promise.all([import('ws'), import('@boocode/client')]);
  const queue: SessionFrame[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  let closed = false;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const socket = new FrameSocket<SessionFrame>({
    stream: sessionFrames,
    url: (after) => streamUrl(server.baseUrl, sessionStreamPath(sessionId), after),
    open: (url) => new WebSocket(url, { headers: { authorization: `Bearer ${server.token}` } }) as unknown as WebSocketLike,
    onFrames: (frames) => {
      queue.push(...frames);
      notify();
    },
    onStatus: (status) => {
      if (status === 'unauthorized') {
        failure = new CliError(ExitCode.Refused, 'unauthorized: the server refused the token for the session stream');
        notify();
      }
      onStatus(status);
    },
  });
  socket.start();
  return {
    close() {
      closed = true;
      socket.stop();
      notify();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (failure) throw failure;
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (closed) return;
        await new Promise<void>((r) => (wake = r));
      }
    },
  };
}
