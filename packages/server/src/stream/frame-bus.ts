/**
 * How frames travel from whoever publishes them (a route handler, a turn runner) to the brokers
 * that hold clients' sockets, and where a stream's `seq` is decided. A stream is a session id,
 * or USER_STREAM for `/api/events`.
 */

export const USER_STREAM = 'user';

/** Where a bus delivers frames: every stream's frames, in seq order, each once. */
export interface FrameReceiver {
  /**
   * `data` is the frame's JSON, seq included. `null`: the frame with this seq exists but could not
   * be delivered; whoever followed the stream has missed it.
   */
  frame(stream: string, seq: number, data: string | null): void;
  /** Frames of any stream may have been missed (the listening connection was lost). */
  lost(): void;
}

/**
 * The seq a published frame got: at once when stamped in this process, once the database has
 * stamped it otherwise (null: it could not be published; the bus logged why).
 */
export type Stamp = number | Promise<number | null>;

export interface FrameBus {
  readonly kind: 'in-process' | 'postgres';
  /**
   * Gives `frame` (a frame without its `seq`) the next seq of `stream` and delivers it to the
   * receiver of every process listening, this one included.
   */
  publish(stream: string, frame: Record<string, unknown>): Stamp;
  /** The stream's latest seq: frames delivered after the answer continue right after it. */
  position(stream: string): number | Promise<number>;
  /** Starts delivering to `receiver` (a publish-only process never calls it). */
  listen(receiver: FrameReceiver): Promise<void>;
  /** The receiver keeps nothing of `stream` any more (it went idle). */
  forget(stream: string): void;
  /** Sends what is queued, then stops. */
  close(): Promise<void>;
}
