import type { ControlProcess } from './tmux.js';

/**
 * One tmux control-mode connection (`tmux -C attach-session`). tmux writes one notification or reply line
 * per `\n`; inside `%output`, bytes below 0x20 and `\` arrive as `\ooo` octal, everything else as it is, so
 * splitting on `\n` is safe and the decoded payload is exactly what the program wrote to its terminal.
 */

export interface ControlHandlers {
  /** Bytes one pane wrote, in order. */
  output(paneId: string, data: Buffer): void;
  /** tmux stopped (`pause`) or resumed (`continue`) sending a pane's output to this client. */
  flow(paneId: string, state: 'pause' | 'continue'): void;
  /** The connection ended: tmux sent `%exit` (session gone, client detached) or the process died. */
  exit(reason: string): void;
}

/** A reply block's lines (raw bytes: captured screens hold UTF-8 and escape sequences). */
export type ReplyLines = Buffer[];

export class ControlCommandError extends Error {
  override readonly name = 'ControlCommandError';
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`tmux ${command.split(' ')[0]} failed: ${output || '(no output)'}`);
  }
}

interface Pending {
  command: string;
  /** Runs synchronously when the reply ends, before any later line is handled: the seam for snapshots. */
  atEnd?: (lines: ReplyLines) => void;
  resolve(lines: ReplyLines): void;
  reject(err: Error): void;
}

const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/** Decodes tmux's `\ooo` escapes into a new buffer. */
export function decodeOctal(src: Buffer): Buffer {
  if (!src.includes(BACKSLASH)) return Buffer.from(src);
  const out = Buffer.allocUnsafe(src.length);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === BACKSLASH && i + 3 < src.length) {
      const d1 = src[i + 1]! - 0x30;
      const d2 = src[i + 2]! - 0x30;
      const d3 = src[i + 3]! - 0x30;
      if (d1 >= 0 && d1 <= 7 && d2 >= 0 && d2 <= 7 && d3 >= 0 && d3 <= 7) {
        out[o++] = d1 * 64 + d2 * 8 + d3;
        i += 3;
        continue;
      }
    }
    out[o++] = b;
  }
  return out.subarray(0, o);
}

const BLOCK_END = /^%(end|error) \d+ (\d+) (\d+)$/;

export class ControlClient {
  private partial: Buffer[] = [];
  private readonly pending: Pending[] = [];
  /** Reply lines of the block being read, with its command number. */
  private block: { number: string; mine: boolean; lines: Buffer[] } | null = null;
  private ended = false;
  /** Commands written before tmux finished attaching this client fail with "no current client". */
  private attached = false;
  private readonly queued: string[] = [];
  readonly closed: Promise<void>;

  constructor(
    private readonly proc: ControlProcess,
    private readonly handlers: ControlHandlers,
  ) {
    let stderr = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (s: string) => (stderr = (stderr + s).slice(-2000)));
    proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    // A command written after tmux went away must not crash the server with EPIPE.
    proc.stdin.on('error', () => {});
    this.closed = new Promise((resolve) => {
      proc.on('close', (code, signal) => {
        this.end(stderr.trim() || `tmux control client exited (${signal ?? code})`);
        resolve();
      });
      proc.on('error', (err) => {
        this.end(err.message);
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /**
   * Sends one command (one line: a `;` list would answer with one block per command, or fewer when one
   * fails, and the replies would no longer pair up). Resolves with its output lines.
   */
  command(command: string, atEnd?: (lines: ReplyLines) => void): Promise<ReplyLines> {
    if (command.includes('\n') || command.trim() === '') throw new Error('a control command is one non-empty line');
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(new ControlCommandError(command, 'the control connection is closed'));
      this.pending.push({ command, atEnd, resolve, reject });
      if (this.attached) this.proc.stdin.write(command + '\n');
      else this.queued.push(command);
    });
  }

  /** Detaches (tmux keeps the session running) and waits for the client process to exit. */
  async close(): Promise<void> {
    if (!this.ended) this.proc.stdin.end();
    await this.closed;
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    for (const p of this.pending.splice(0)) p.reject(new ControlCommandError(p.command, reason));
    this.handlers.exit(reason);
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      let line = chunk.subarray(start, nl);
      if (this.partial.length) {
        this.partial.push(line);
        line = Buffer.concat(this.partial);
        this.partial = [];
      }
      start = nl + 1;
      this.onLine(line);
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
  }

  private onLine(line: Buffer): void {
    if (this.block) {
      // Inside a reply every line is content (a captured screen may show "%output"), except its own end.
      if (line[0] === 0x25 /* % */) {
        const m = BLOCK_END.exec(line.toString('latin1'));
        if (m && m[2] === this.block.number) return this.finishBlock(m[1] === 'error');
      }
      this.block.lines.push(Buffer.from(line));
      return;
    }
    if (line[0] !== 0x25) return;
    const space = line.indexOf(0x20);
    const kind = line.toString('latin1', 1, space === -1 ? line.length : space);
    switch (kind) {
      case 'output': {
        const paneEnd = line.indexOf(0x20, space + 1);
        if (paneEnd === -1) return;
        this.handlers.output(line.toString('latin1', space + 1, paneEnd), decodeOctal(line.subarray(paneEnd + 1)));
        return;
      }
      case 'extended-output': {
        // %extended-output %<pane> <age> ... : <data>
        const paneEnd = line.indexOf(0x20, space + 1);
        const sep = line.indexOf(' : ', paneEnd);
        if (paneEnd === -1 || sep === -1) return;
        this.handlers.output(line.toString('latin1', space + 1, paneEnd), decodeOctal(line.subarray(sep + 3)));
        return;
      }
      case 'pause':
      case 'continue':
        this.handlers.flow(line.toString('latin1', space + 1).trim(), kind);
        return;
      case 'begin': {
        const [, , number = '', flags = '0'] = line.toString('latin1').split(' ');
        // Flag 1 marks the reply to a command this client sent; the attach itself answers with flag 0.
        this.block = { number, mine: (Number(flags) & 1) === 1, lines: [] };
        return;
      }
      case 'exit':
        this.end(line.toString('utf8', space === -1 ? line.length : space + 1).trim() || 'detached');
        return;
      default:
        // Layout, rename and session notifications carry nothing a terminal needs.
        return;
    }
  }

  private finishBlock(failed: boolean): void {
    const block = this.block!;
    this.block = null;
    if (!block.mine) {
      // The first foreign reply is the attach-session we were started with: from here commands work.
      if (!this.attached) {
        this.attached = true;
        for (const c of this.queued.splice(0)) this.proc.stdin.write(c + '\n');
      }
      return;
    }
    const p = this.pending.shift();
    if (!p) return;
    if (failed) return p.reject(new ControlCommandError(p.command, block.lines.map((l) => l.toString('utf8')).join('\n').trim()));
    p.atEnd?.(block.lines);
    p.resolve(block.lines);
  }
}
