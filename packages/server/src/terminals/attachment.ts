import type { TerminalSize } from '@boocode/contracts';

/** Why an attachment stopped receiving: the shell ended, someone killed it, the consumer fell behind, or BooCode is shutting down. */
export type AttachmentEnd = 'exited' | 'killed' | 'slow_consumer' | 'closed';

export interface TerminalSnapshot {
  /** `attach`: the first thing an attachment gets. `resync`: output was skipped (throttled), start over from this. */
  reason: 'attach' | 'resync';
  /** Bytes for a freshly reset terminal of `cols` x `rows`: scrollback, screen, cursor. */
  data: Buffer;
  cols: number;
  rows: number;
}

/** Unsent bytes a consumer may hold before it is dropped, unless it says otherwise. */
export const DEFAULT_MAX_BACKLOG = 8 * 1024 * 1024;

export interface AttachOptions {
  onSnapshot(snapshot: TerminalSnapshot): void;
  /** Live output, exactly the bytes the program wrote, strictly after the last snapshot. */
  onData(chunk: Buffer): void;
  /** The terminal was resized (through any attachment or the API); snapshots carry the size too. */
  onResize?(size: TerminalSize): void;
  /** Called once; nothing is delivered afterwards. */
  onEnd(reason: AttachmentEnd): void;
  /**
   * Bytes the consumer has accepted but not yet sent on (a WebSocket's `bufferedAmount`). Checked before
   * every delivery: above `maxBacklog` the attachment ends with `slow_consumer` instead of buffering more.
   */
  backlog?: () => number;
  maxBacklog?: number;
}

/** What an attachment asks of its terminal. */
export interface AttachmentHost {
  write(data: Buffer): Promise<void>;
  resize(size: TerminalSize): Promise<void>;
  detach(attachment: Attachment): void;
  /** A consumer callback threw: logged by the host, and that consumer is dropped. */
  consumerFailed(err: unknown): void;
}

/** One consumer (a WebSocket, the CLI) of one terminal: receives output, sends input and resizes. */
export class Attachment {
  private ended = false;

  constructor(
    readonly terminalId: string,
    private readonly host: AttachmentHost,
    private readonly opts: AttachOptions,
  ) {}

  get active(): boolean {
    return !this.ended;
  }

  /** Input bytes, as typed; several attachments may type at once. */
  write(data: Buffer | string): Promise<void> {
    return this.host.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  resize(size: TerminalSize): Promise<void> {
    return this.host.resize(size);
  }

  /** Stops receiving (the consumer went away); the terminal keeps running. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.host.detach(this);
  }

  /** @internal */
  snapshot(snapshot: TerminalSnapshot): void {
    this.deliver(() => this.opts.onSnapshot(snapshot));
  }

  /** @internal */
  data(chunk: Buffer): void {
    this.deliver(() => this.opts.onData(chunk));
  }

  /** @internal */
  resized(size: TerminalSize): void {
    const onResize = this.opts.onResize;
    if (onResize) this.deliver(() => onResize(size));
  }

  /** @internal */
  end(reason: AttachmentEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.host.detach(this);
    try {
      this.opts.onEnd(reason);
    } catch (err) {
      this.host.consumerFailed(err);
    }
  }

  private deliver(send: () => void): void {
    if (this.ended) return;
    if (this.opts.backlog && this.opts.backlog() > (this.opts.maxBacklog ?? DEFAULT_MAX_BACKLOG)) {
      this.end('slow_consumer');
      return;
    }
    try {
      send();
    } catch (err) {
      this.host.consumerFailed(err);
      this.end('closed');
    }
  }
}
