/** A subscriber gets already-serialised frames; the channel never waits for it. */
export interface Subscriber {
  send(data: string): void;
}

interface Entry {
  seq: number;
  data: string;
}

export type ReplayResult = { kind: 'frames'; frames: string[] } | { kind: 'too_far_behind' };

/**
 * One ordered stream of frames with a bounded replay buffer (a ring). `seq` is stamped here, so
 * it is monotonic for the channel; it starts from the clock (µs) so that a channel re-created
 * later, or by a restarted server, continues above every seq a client may have seen before.
 */
export class ReplayChannel {
  private seq: number;
  private readonly ring: (Entry | undefined)[];
  private head = 0; // next write index
  private size = 0;
  readonly subscribers = new Set<Subscriber>();
  lastActivity = Date.now();
  constructor(private readonly capacity: number) {
    this.seq = Date.now() * 1000;
    this.ring = new Array<Entry | undefined>(capacity);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Stamps, serialises once, buffers and fans out. Returns the stamped frame. */
  publish<T extends object>(stamp: (seq: number) => T): T {
    const seq = ++this.seq;
    const frame = stamp(seq);
    const data = JSON.stringify(frame);
    this.ring[this.head] = { seq, data };
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.lastActivity = Date.now();
    for (const sub of this.subscribers) sub.send(data);
    return frame;
  }

  /** Frames after `afterSeq`, or too_far_behind when the ring no longer holds all of them. */
  since(afterSeq: number): ReplayResult {
    if (afterSeq >= this.seq) return { kind: 'frames', frames: [] };
    const missing = this.seq - afterSeq;
    if (missing > this.size) return { kind: 'too_far_behind' };
    const frames: string[] = [];
    for (let i = missing; i >= 1; i--) {
      const idx = (this.head - i + this.capacity) % this.capacity;
      frames.push(this.ring[idx]!.data);
    }
    return { kind: 'frames', frames };
  }
}
