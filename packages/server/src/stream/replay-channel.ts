/** A subscriber gets already-serialised frames; the channel never waits for it. */
export interface Subscriber {
  send(data: string): void;
  /** The channel missed frames: the subscriber must reconnect and resume by seq (it gets a snapshot). */
  drop(): void;
}

export type ReplayResult = { kind: 'frames'; frames: string[] } | { kind: 'too_far_behind' };

/**
 * One stream's frames as this process received them, gap-free, with a bounded replay buffer (a
 * ring) and the sockets following it. The seq is decided by the bus; the channel holds every
 * frame after `lastSeq - size` and knows nothing before. Gap-free, so a frame's seq follows from
 * its place in the ring and only its JSON is kept.
 */
export class ReplayChannel {
  private seq: number;
  private readonly ring: (string | undefined)[];
  private head = 0; // next write index
  private size = 0;
  readonly subscribers = new Set<Subscriber>();
  lastActivity = Date.now();

  /** `position`: the stream's latest seq; the next frame received is `position + 1`. */
  constructor(
    private readonly capacity: number,
    position: number,
  ) {
    this.seq = position;
    this.ring = new Array<string | undefined>(capacity);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Buffers and fans out the frame with the next seq. An older one is already accounted for (the
   * position was read after it); a newer one means frames were missed (null data: this one), so the
   * ring restarts after it and the subscribers are dropped to resume with a snapshot.
   */
  append(seq: number, data: string | null): void {
    if (seq <= this.seq) return;
    if (seq !== this.seq + 1 || data === null) this.restart(data === null ? seq : seq - 1);
    if (data === null) return;
    this.seq = seq;
    this.ring[this.head] = data;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.lastActivity = Date.now();
    for (const sub of this.subscribers) sub.send(data);
  }

  /** Forgets every frame up to `position`; a client resuming from before it gets a snapshot. */
  restart(position: number): void {
    this.seq = position;
    this.size = 0;
    this.ring.fill(undefined);
    const dropped = [...this.subscribers];
    this.subscribers.clear();
    for (const sub of dropped) sub.drop();
  }

  /** Frames after `afterSeq`, or too_far_behind when the ring no longer holds all of them. */
  since(afterSeq: number): ReplayResult {
    if (afterSeq >= this.seq) return { kind: 'frames', frames: [] };
    const missing = this.seq - afterSeq;
    if (missing > this.size) return { kind: 'too_far_behind' };
    const frames: string[] = [];
    for (let i = missing; i >= 1; i--) {
      const idx = (this.head - i + this.capacity) % this.capacity;
      frames.push(this.ring[idx]!);
    }
    return { kind: 'frames', frames };
  }
}
