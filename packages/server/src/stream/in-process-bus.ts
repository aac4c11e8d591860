import type { FrameBus, FrameReceiver } from './frame-bus.js';

/**
 * The bus of a process that is alone on its database (the embedded one, with its own worker):
 * seq is stamped here and the frame delivered synchronously, so publishing costs one
 * JSON.stringify and the fan-out. A stream starts from the clock (µs) so that, after a restart
 * or once the stream was forgotten, it continues above every seq a client may hold.
 */
export class InProcessFrameBus implements FrameBus {
  readonly kind = 'in-process';
  private readonly seqs = new Map<string, number>();
  private receiver: FrameReceiver | null = null;

  publish(stream: string, frame: Record<string, unknown>): number {
    const seq = (this.seqs.get(stream) ?? Date.now() * 1000) + 1;
    this.seqs.set(stream, seq);
    frame.seq = seq;
    this.receiver?.frame(stream, seq, JSON.stringify(frame));
    return seq;
  }

  position(stream: string): number {
    let seq = this.seqs.get(stream);
    if (seq === undefined) this.seqs.set(stream, (seq = Date.now() * 1000));
    return seq;
  }

  listen(receiver: FrameReceiver): Promise<void> {
    this.receiver = receiver;
    return Promise.resolve();
  }

  forget(stream: string): void {
    this.seqs.delete(stream);
  }

  close(): Promise<void> {
    this.receiver = null;
    return Promise.resolve();
  }
}
