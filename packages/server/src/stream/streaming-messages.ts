import type { MessageWriter } from './message-writer.js';

/**
 * The messages this process is streaming, per session. A client that opens a stream refetches
 * messages from the database after the `snapshot` frame, so their coalesced writes are flushed
 * first: the stored text then holds every delta up to the snapshot's seq (see `content_seq`).
 */
export class StreamingMessages {
  private readonly bySession = new Map<string, Set<MessageWriter>>();
  /** Set when other processes may run this server's turns: asks them to flush theirs too. */
  elsewhere: ((sessionId: string) => Promise<void>) | null = null;

  add(sessionId: string, writer: MessageWriter): void {
    let set = this.bySession.get(sessionId);
    if (!set) this.bySession.set(sessionId, (set = new Set()));
    set.add(writer);
  }

  remove(sessionId: string, writer: MessageWriter): void {
    const set = this.bySession.get(sessionId);
    set?.delete(writer);
    if (set?.size === 0) this.bySession.delete(sessionId);
  }

  /** This process's writers of the session. */
  async flushHere(sessionId: string): Promise<void> {
    await Promise.all([...(this.bySession.get(sessionId) ?? [])].map((w) => w.flush()));
  }

  /** Every writer of the session, in whichever process runs its turn. */
  async flush(sessionId: string): Promise<void> {
    await Promise.all([this.flushHere(sessionId), this.elsewhere?.(sessionId)]);
  }
}
