import { SESSION_FRAME_TYPES, SessionFrame, streams, USER_FRAME_TYPES, UserFrame } from '@boocode/contracts';
import { routeUrl } from '../http.js';

/**
 * How a frame relates to the sequence. `reset`: a snapshot (on connect, or `too_far_behind` when
 * the server can no longer replay); the client refetches state and continues after its seq.
 * `aside`: outside the sequence (it carries the current seq rather than a new one), delivered
 * where it arrives. `ordered`: everything else.
 */
export type FramePlace = 'reset' | 'aside' | 'ordered';

/** What a `safeParse` of the contracts returns, as far as the client reads it. */
export type ParseResult<T> = { success: true; data: T } | { success: false; error: { message: string } };

/** One kind of stream: how its frames are validated, which types exist, where each goes. */
export interface FrameStream<F extends { seq: number; type: string }> {
  parse(raw: unknown): ParseResult<F>;
  /** The types this client knows; any other is a newer server's and is skipped. */
  types: ReadonlySet<string>;
  /** A placing function for one socket (it may remember what it saw, e.g. the last snapshot). */
  placer(): (frame: F) => FramePlace;
}

/** The per-session stream `/api/sessions/:id/stream`. */
export const sessionFrames: FrameStream<SessionFrame> = {
  parse: (raw) => SessionFrame.safeParse(raw),
  types: SESSION_FRAME_TYPES,
  placer: () => (f) => (f.type === 'snapshot' ? 'reset' : f.type === 'agent_snapshot' ? 'aside' : 'ordered'),
};

/** The user stream `/api/events`. */
export const userFrames: FrameStream<UserFrame> = {
  parse: (raw) => UserFrame.safeParse(raw),
  types: USER_FRAME_TYPES,
  placer: () => {
    let snapshotSeq = -1;
    // The activities sent right after a snapshot carry its seq: they are outside the sequence.
    return (f) => {
      if (f.type === 'snapshot') {
        snapshotSeq = f.seq;
        return 'reset';
      }
      return f.type === 'session_activity' && f.seq === snapshotSeq ? 'aside' : 'ordered';
    };
  },
};

/**
 * The `ws://` / `wss://` URL of a stream on the server at `baseUrl` (`http(s)://host:port`).
 * Browsers authenticate with the session cookie; other clients send the token as a header from
 * the `open` they pass to `FrameSocket`.
 */
export function streamUrl(baseUrl: string, path: string, afterSeq: number | null): string {
  const root = baseUrl.replace(/\/$/, '').replace(/^http/, 'ws');
  return `${root}${path}${afterSeq === null ? '' : `?after_seq=${afterSeq}`}`;
}

export const sessionStreamPath = (sessionId: string): string => routeUrl(streams.sessionStream.path, { id: sessionId });
export const userStreamPath: string = streams.userEvents.path;
