import {
  SessionFrame,
  UserFrame,
  type SessionFramePayload,
  type UserFramePayload,
} from '@boocode/contracts';
import { USER_STREAM, type FrameBus, type FrameReceiver, type Stamp } from './frame-bus.js';
import { ReplayChannel, type ReplayResult, type Subscriber } from './replay-channel.js';

export interface BrokerOptions {
  /** Frames kept per stream for replay. */
  replayFrames: number;
  /** Idle channels without subscribers are dropped after this long. */
  idleMs?: number;
  /**
   * Check every published frame against the contracts (tests and development). Off in
   * production: frames are typed at compile time and built from data validated where it entered
   * (request bodies, agent protocols), and the check would cost half of a frame's publishing time.
   */
  validate?: boolean;
}

export interface Subscription {
  replay: ReplayResult | null;
  lastSeq: number;
  unsubscribe: () => void;
}

/**
 * Live fan-out of session frames and user-level frames, each with replay by seq. Frames go out
 * through the bus, which stamps their seq, and come back from it (from any process) into one
 * channel per stream.
 */
export class Broker implements FrameReceiver {
  private readonly channels = new Map<string, ReplayChannel>();
  /** Streams whose position is being read; frames received meanwhile wait here. */
  private readonly opening = new Map<string, { held: { seq: number; data: string | null }[]; ready: Promise<ReplayChannel> }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly bus: FrameBus,
    private readonly opts: BrokerOptions,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(opts.idleMs ?? 600_000, 60_000));
    this.sweeper.unref();
  }

  /** Delivers the bus's frames to this broker's channels. */
  listen(): Promise<void> {
    return this.bus.listen(this);
  }

  publish(sessionId: string, payload: SessionFramePayload): Stamp {
    const frame: Record<string, unknown> = { ...payload, session_id: sessionId, ts: new Date().toISOString() };
    if (this.opts.validate) SessionFrame.parse({ ...frame, seq: 0 });
    return this.bus.publish(sessionId, frame);
  }

  publishUser(payload: UserFramePayload): Stamp {
    const frame: Record<string, unknown> = { ...payload, ts: new Date().toISOString() };
    if (this.opts.validate) UserFrame.parse({ ...frame, seq: 0 });
    return this.bus.publish(USER_STREAM, frame);
  }

  frame(stream: string, seq: number, data: string | null): void {
    const opening = this.opening.size > 0 ? this.opening.get(stream) : undefined;
    if (opening) {
      opening.held.push({ seq, data });
      return;
    }
    let ch = this.channels.get(stream);
    if (!ch) this.channels.set(stream, (ch = new ReplayChannel(this.opts.replayFrames, seq - 1)));
    ch.append(seq, data);
  }

  lost(): void {
    for (const ch of this.channels.values()) ch.restart(ch.lastSeq);
    this.channels.clear();
  }

  /** The stream's channel, created at the stream's position when this process holds none. */
  private channel(stream: string): ReplayChannel | Promise<ReplayChannel> {
    const ch = this.channels.get(stream);
    if (ch) return ch;
    const opening = this.opening.get(stream);
    if (opening) return opening.ready;
    const position = this.bus.position(stream);
    const create = (at: number) => {
      const created = new ReplayChannel(this.opts.replayFrames, at);
      this.channels.set(stream, created);
      return created;
    };
    if (typeof position === 'number') return create(position);
    const held: { seq: number; data: string | null }[] = [];
    const ready = position.then(
      (at) => {
        this.opening.delete(stream);
        const created = create(at);
        for (const f of held) created.append(f.seq, f.data);
        return created;
      },
      (err: unknown) => {
        this.opening.delete(stream);
        throw err;
      },
    );
    this.opening.set(stream, { held, ready });
    return ready;
  }

  /**
   * Subscribes and computes the replay in the same tick, so no frame delivered in between can be
   * missed or doubled. The caller sends `replay` (or a snapshot) before anything live.
   */
  async subscribe(stream: string, sub: Subscriber, afterSeq: number | undefined): Promise<Subscription> {
    let ch = this.channel(stream);
    // A channel dropped while its position was read (the bus lost frames) is opened again.
    while (!(ch instanceof ReplayChannel) || this.channels.get(stream) !== ch) ch = await this.channel(stream);
    ch.subscribers.add(sub);
    return {
      replay: afterSeq === undefined ? null : ch.since(afterSeq),
      lastSeq: ch.lastSeq,
      unsubscribe: () => {
        ch.subscribers.delete(sub);
        ch.lastActivity = Date.now();
      },
    };
  }

  subscribeUser(sub: Subscriber, afterSeq: number | undefined): Promise<Subscription> {
    return this.subscribe(USER_STREAM, sub, afterSeq);
  }

  /** Bounded memory however many sessions come and go. */
  private sweep(): void {
    const cutoff = Date.now() - (this.opts.idleMs ?? 600_000);
    for (const [stream, ch] of this.channels) {
      if (ch.subscribers.size === 0 && ch.lastActivity < cutoff) {
        this.channels.delete(stream);
        this.bus.forget(stream);
      }
    }
  }

  /** Stops sweeping and lets the bus send what is queued. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.bus.close();
  }
}
