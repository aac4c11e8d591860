/**
 * Releases frames in `seq` order. The server numbers every frame of a session (or of the
 * user channel) with one monotonic, gap-free sequence; a reconnect with `after_seq` replays
 * what was missed, so a frame may arrive twice (dropped here) or, across a reconnect race,
 * ahead of its predecessors (held here until the gap is filled or declared lost).
 */
export interface Sequenced {
  seq: number;
}

export class SeqOrderer<T extends Sequenced> {
  private held = new Map<number, T>();

  /** `lastSeq` null: nothing applied yet, so the first frame received sets the base. */
  constructor(private last: number | null = null) {}

  get lastSeq(): number | null {
    return this.last;
  }

  /** Frames waiting for an earlier one; non-zero means there is a gap. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Accepts one frame and returns every frame that is now ready, in order. */
  push(frame: T): T[] {
    if (this.last === null) {
      this.last = frame.seq;
      return [frame, ...this.drain()];
    }
    if (frame.seq <= this.last || this.held.has(frame.seq)) return [];
    if (frame.seq !== this.last + 1) {
      this.held.set(frame.seq, frame);
      return [];
    }
    this.last = frame.seq;
    return [frame, ...this.drain()];
  }

  /** A snapshot supersedes everything before it: continue from `seq`, keep only later frames. */
  resetTo(seq: number): T[] {
    this.last = seq;
    for (const s of [...this.held.keys()]) if (s <= seq) this.held.delete(s);
    return this.drain();
  }

  /** Drops held frames when a gap is given up on; the stream then resumes from `lastSeq`. */
  clearHeld(): void {
    this.held.clear();
  }

  private drain(): T[] {
    const out: T[] = [];
    for (;;) {
      const next = this.last === null ? undefined : this.held.get(this.last + 1);
      if (!next) return out;
      this.held.delete(next.seq);
      this.last = next.seq;
      out.push(next);
    }
  }
}
