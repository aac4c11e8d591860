import {
  SessionFrame,
  UserFrame,
  type SessionFramePayload,
  type UserFramePayload,
} from '@boocode/contracts';
import { ReplayChannel, type ReplayResult, type Subscriber } from './replay-channel.js';

export interface BrokerOptions {
  /** Frames kept per session for replay. */
  replayFrames: number;
  /**
   * Idle channels without subscribers are dropped after this long. A re-created channel starts
   * its seq from the clock, so it still continues above the dropped one (see ReplayChannel).
   */
  idleMs?: number;
  /** Validate every frame against the contracts before it leaves (cheap; catches server bugs). */
  validate?: boolean;
}

/** Live fan-out of session frames and user-level frames, each with replay by seq. */
export class Broker {
  private readonly sessions = new Map<string, ReplayChannel>();
  private readonly user: ReplayChannel;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly opts: BrokerOptions) {
    this.user = new ReplayChannel(opts.replayFrames);
    this.sweeper = setInterval(() => this.sweep(), Math.min(opts.idleMs ?? 600_000, 60_000));
    this.sweeper.unref();
  }

  private channel(sessionId: string): ReplayChannel {
    let ch = this.sessions.get(sessionId);
    if (!ch) {
      ch = new ReplayChannel(this.opts.replayFrames);
      this.sessions.set(sessionId, ch);
    }
    return ch;
  }

  publish(sessionId: string, payload: SessionFramePayload): SessionFrame {
    return this.channel(sessionId).publish((seq) => {
      const frame = { ...payload, seq, session_id: sessionId, ts: new Date().toISOString() } as SessionFrame;
      return this.opts.validate === false ? frame : SessionFrame.parse(frame);
    });
  }

  publishUser(payload: UserFramePayload): UserFrame {
    return this.user.publish((seq) => {
      const frame = { ...payload, seq, ts: new Date().toISOString() } as UserFrame;
      return this.opts.validate === false ? frame : UserFrame.parse(frame);
    });
  }

  /**
   * Subscribes and computes the replay in the same tick, so no frame published in between can
   * be missed or doubled. The caller sends `replay` (or a snapshot) before anything live.
   */
  subscribe(sessionId: string, sub: Subscriber, afterSeq: number | undefined): { replay: ReplayResult | null; lastSeq: number; unsubscribe: () => void } {
    const ch = this.channel(sessionId);
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

  subscribeUser(sub: Subscriber, afterSeq: number | undefined): { replay: ReplayResult | null; lastSeq: number; unsubscribe: () => void } {
    this.user.subscribers.add(sub);
    return {
      replay: afterSeq === undefined ? null : this.user.since(afterSeq),
      lastSeq: this.user.lastSeq,
      unsubscribe: () => this.user.subscribers.delete(sub),
    };
  }

  subscriberCount(sessionId: string): number {
    return this.sessions.get(sessionId)?.subscribers.size ?? 0;
  }

  /** Bounded memory however many sessions come and go. */
  private sweep(): void {
    const cutoff = Date.now() - (this.opts.idleMs ?? 600_000);
    for (const [id, ch] of this.sessions) {
      if (ch.subscribers.size === 0 && ch.lastActivity < cutoff) {
        this.sessions.delete(id);
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
