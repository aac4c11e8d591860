import type { Usage } from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import { appendToMessage, finishMessage, setMessageText } from '../db/messages.js';
import type { Stamp } from './frame-bus.js';

export interface FinalMessage {
  status: 'complete' | 'failed' | 'cancelled';
  usage: Usage;
  /** False when the agent reported no usage: the zeros are unknown counts. */
  usageReported: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * Streams an assistant message into its row. Clients get every delta at once through the
 * broker; the database gets at most one append per `intervalMs` (coalesced), and the complete
 * text once more at the end, so a crash loses at most one interval and a refetch mid-turn
 * shows what was streamed so far.
 */
export class MessageWriter {
  content = '';
  reasoning = '';
  /** Database round trips made, for tests and benchmarks. */
  writes = 0;
  private pendingText = '';
  private pendingReasoning = '';
  /** Stream seq of the newest delta appended (written as `content_seq`); the bus may still be stamping it. */
  private lastSeq: Stamp | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void>;
  private failure: unknown = null;

  /** `after`: the row's INSERT, when it is still in flight; every write waits for it. */
  constructor(
    private readonly sql: Sql,
    readonly messageId: string,
    private readonly intervalMs = 100,
    after: Promise<unknown> = Promise.resolve(),
  ) {
    this.chain = after.then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= err;
      },
    );
  }

  /** A turn continued after a restart keeps writing into its message: what is stored already. */
  continueFrom(content: string, reasoning: string): void {
    this.content = content;
    this.reasoning = reasoning;
  }

  /** Cuts the stored text back to what a continued turn keeps (what it will not say again). */
  cutBack(contentChars: number, reasoningChars: number): void {
    this.content = this.content.slice(0, contentChars);
    this.reasoning = this.reasoning.slice(0, reasoningChars);
    const { content, reasoning } = this;
    this.chain = this.chain.then(async () => {
      this.writes++;
      await setMessageText(this.sql, this.messageId, content, reasoning).catch((err: unknown) => {
        this.failure ??= err;
      });
    });
  }

  /** Set by finish(): an agent that keeps talking after its turn was closed changes nothing. */
  private finished = false;

  appendText(text: string, seq: Stamp | null = null): void {
    if (this.finished) return;
    this.content += text;
    this.pendingText += text;
    if (seq !== null) this.lastSeq = seq;
    this.schedule();
  }

  appendReasoning(text: string, seq: Stamp | null = null): void {
    if (this.finished) return;
    this.reasoning += text;
    this.pendingReasoning += text;
    if (seq !== null) this.lastSeq = seq;
    this.schedule();
  }

  get hasOutput(): boolean {
    return this.content.length > 0 || this.reasoning.length > 0;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.enqueueFlush();
    }, this.intervalMs);
  }

  private enqueueFlush(): Promise<void> {
    const text = this.pendingText;
    const reasoning = this.pendingReasoning;
    if (!text && !reasoning) return this.chain;
    this.pendingText = '';
    this.pendingReasoning = '';
    const seq = this.lastSeq;
    this.chain = this.chain.then(async () => {
      this.writes++;
      await appendToMessage(this.sql, this.messageId, text, reasoning, await seq).catch((err: unknown) => {
        this.failure ??= err;
      });
    });
    return this.chain;
  }

  /** Writes whatever is pending now (used before recording state other workers may read). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.enqueueFlush();
  }

  /** The authoritative final write: full text, status, usage. */
  async finish(final: FinalMessage): Promise<void> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pendingText = '';
    this.pendingReasoning = '';
    await this.chain;
    this.writes++;
    await finishMessage(this.sql, this.messageId, {
      content: this.content,
      reasoning: this.reasoning,
      status: final.status,
      seq: await this.lastSeq,
      usage: final.usage,
      usageReported: final.usageReported,
      metadata: final.metadata ?? {},
    });
    if (this.failure) this.failure = null; // the final write supersedes any failed append
  }
}
