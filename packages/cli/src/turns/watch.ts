import type { SessionFrame } from '@boocode/contracts';
import type { Connection } from '../connection.js';
import { openSessionFeed } from '../stream/session-feed.js';
import { progress } from './progress.js';

/** Why watching stopped: what was waited for happened, the wait timed out, or Ctrl-C. */
export type WatchEnd = 'done' | 'timeout' | 'interrupted';

export interface WatchOptions {
  /** The stream (re)started: `first` on connect, later after the server could not replay what was missed. Returns true when done. */
  onSnapshot: (first: boolean) => Promise<boolean>;
  /** Every other frame, in seq order. Returns true when done. */
  onFrame: (frame: SessionFrame) => Promise<boolean> | boolean;
  timeoutMs?: number;
  /** Called every `heartbeatMs` while waiting (progress for long waits). */
  heartbeat?: () => void;
  heartbeatMs?: number;
}

/**
 * Follows a session's stream until a callback says it is done, the timeout passes or the user
 * presses Ctrl-C. Ctrl-C only stops the watching: what runs on the server goes on.
 */
export async function watchSession(conn: Connection, sessionId: string, opts: WatchOptions): Promise<WatchEnd> {
  let reconnecting = false;
  const feed = await openSessionFeed(conn.server, sessionId, (status) => {
    if (status === 'reconnecting' && !reconnecting) progress(`lost the connection to ${conn.server.baseUrl}; reconnecting…`);
    if (status === 'live' && reconnecting) progress('reconnected');
    reconnecting = status === 'reconnecting';
  });
  let end: WatchEnd | null = null;
  const stop = (why: WatchEnd) => {
    end ??= why;
    feed.close();
  };
  const onInterrupt = () => stop('interrupted');
  process.on('SIGINT', onInterrupt);
  const timer = opts.timeoutMs === undefined ? null : setTimeout(() => stop('timeout'), opts.timeoutMs);
  const beat = opts.heartbeat ? setInterval(opts.heartbeat, opts.heartbeatMs ?? 30_000) : null;
  try {
    let first = true;
    for await (const frame of feed) {
      let done: boolean;
      if (frame.type === 'snapshot') {
        done = await opts.onSnapshot(first);
        first = false;
      } else done = await opts.onFrame(frame);
      if (done) stop('done');
      if (end) break;
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    if (timer) clearTimeout(timer);
    if (beat) clearInterval(beat);
    feed.close();
  }
  return end ?? 'done';
}
