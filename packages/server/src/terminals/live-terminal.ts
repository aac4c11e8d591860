import type { TerminalSize } from '@boocode/contracts';
import type { Logger } from '../logger.js';
import { Attachment, type AttachOptions, type AttachmentEnd, type TerminalSnapshot } from './attachment.js';
import { ControlClient, ControlCommandError, type ReplyLines } from './control.js';
import { TerminalError } from './errors.js';
import { LineRing } from './line-ring.js';
import { checkTerminalSize } from './terminal-size.js';
import { PANE_STATE_FORMAT, parsePaneState, renderSnapshot, type PaneState } from './snapshot.js';
import { ByteBucket } from './throttle.js';
import type { Tmux } from './tmux.js';

/** Where a terminal lives in tmux. */
export interface TerminalAddress {
  id: string;
  sessionId: string;
  /** tmux session name. */
  tmuxName: string;
  /** tmux pane id (`%7`): stable for the pane's life and never reused by that tmux server. */
  paneId: string;
}

export interface LiveTerminalOptions {
  ringLines: number;
  snapshotLines: number;
  maxBytesPerSecond: number;
  logger: Logger;
  /** The terminal is gone for good (shell exited or killed); the manager forgets it. */
  onGone(): void;
}

interface SyncRequest {
  /** Refill the ring from tmux (on connect, and after skipped output). */
  seedRing: boolean;
  /** Attachments that get a snapshot and, if new, join the live stream at its seam. */
  attachments: Attachment[];
  reason: TerminalSnapshot['reason'];
}

/** tmux pauses our client on its own when we fall this many seconds behind a pane (event loop stalled). */
const PAUSE_AFTER_SECONDS = 5;
/** Input is sent in slices of this many bytes, each one `send-keys -H` line of about 3 bytes per byte. */
const INPUT_SLICE = 512;
/** A snapshot raced by output is retried this often before the last try is taken as it is. */
const SNAPSHOT_TRIES = 3;
/** Control connections lost while the session lives (tmux dropped us) are reopened at most this often in a row. */
const MAX_REOPENS = 3;

const toBytesHex = (data: Buffer) => Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(' ');
const text = (lines: ReplyLines) => lines.map((l) => l.toString('utf8'));

/**
 * A terminal BooCode is connected to: one control-mode client on its tmux session feeding the line ring,
 * the attachments and the throttle. Output reaches here from tmux in order, replies to our commands are
 * ordered with it, and that ordering is what makes a snapshot seamless: an attachment is added at the exact
 * point of the stream where its capture was taken.
 */
export class LiveTerminal {
  readonly ring: LineRing;
  private ctl: ControlClient | null = null;
  private opening: Promise<void> | null = null;
  private readonly attachments = new Set<Attachment>();
  private readonly bucket: ByteBucket;
  private paused = false;
  private resumeTimer: NodeJS.Timeout | null = null;
  /** Counts output chunks, so a snapshot can tell whether output slipped in while it was taken. */
  private outputSeq = 0;
  private syncQueue: Promise<unknown> = Promise.resolve();
  private killed = false;
  private closing = false;
  private gone = false;
  private reopens = 0;
  private readonly log: Logger;

  constructor(
    readonly address: TerminalAddress,
    private readonly tmux: Tmux,
    private readonly opts: LiveTerminalOptions,
  ) {
    this.ring = new LineRing(opts.ringLines);
    this.bucket = new ByteBucket(opts.maxBytesPerSecond);
    this.log = opts.logger.child({ terminal_id: address.id, session_id: address.sessionId });
  }

  get isGone(): boolean {
    return this.gone;
  }

  /** Connects the control client and fills the ring from tmux; idempotent. */
  open(): Promise<void> {
    if (this.gone) return Promise.reject(this.goneError());
    this.opening ??= this.connect().catch((err: unknown) => {
      this.opening = null;
      throw err;
    });
    return this.opening;
  }

  private async connect(): Promise<void> {
    const proc = await this.tmux.spawnControl(this.address.tmuxName);
    let connected = false;
    const ctl = new ControlClient(proc, {
      output: (pane, data) => {
        if (pane === this.address.paneId && this.ctl === ctl) this.onOutput(data);
      },
      flow: (pane, state) => {
        if (pane === this.address.paneId && state === 'pause' && this.ctl === ctl) this.onPaused();
      },
      exit: (reason) => {
        // A connection that never finished opening is the opener's failure to report, not an end.
        if (this.ctl === ctl && connected) void this.onControlExit(ctl, reason);
      },
    });
    this.ctl = ctl;
    try {
      await ctl.command(`refresh-client -f pause-after=${PAUSE_AFTER_SECONDS}`);
      await this.sync({ seedRing: true, attachments: [], reason: 'resync' });
    } catch (err) {
      this.ctl = null;
      await ctl.close();
      throw this.mapError(err);
    }
    connected = true;
    this.log.debug({ pid: ctl.pid }, 'terminal control client connected');
  }

  async attach(opts: AttachOptions): Promise<Attachment> {
    await this.open();
    const attachment = new Attachment(this.address.id, this.host(), opts);
    await this.sync({ seedRing: false, attachments: [attachment], reason: 'attach' });
    return attachment;
  }

  async write(data: Buffer): Promise<void> {
    const ctl = await this.control();
    const sends: Promise<ReplyLines>[] = [];
    for (let i = 0; i < data.length; i += INPUT_SLICE) {
      sends.push(ctl.command(`send-keys -t ${this.address.paneId} -H ${toBytesHex(data.subarray(i, i + INPUT_SLICE))}`));
    }
    await Promise.all(sends).catch((err: unknown) => {
      throw this.mapError(err);
    });
  }

  /** Presses tmux key names (already validated to letters, digits and modifiers). */
  async pressKeys(keys: readonly string[]): Promise<void> {
    if (!keys.length) return;
    const ctl = await this.control();
    await ctl.command(`send-keys -t ${this.address.paneId} ${keys.join(' ')}`).catch((err: unknown) => {
      throw this.mapError(err);
    });
  }

  /** Sizes come from clients (a WebSocket message), so they are checked here, where every resize passes. */
  async resize(size: TerminalSize): Promise<void> {
    const { cols, rows } = checkTerminalSize(size);
    const ctl = await this.control();
    // Told at the reply, before any output the program redraws at its new size.
    const tell = () => {
      for (const a of this.attachments) a.resized({ cols, rows });
    };
    await ctl.command(`resize-window -t ${this.address.paneId} -x ${cols} -y ${rows}`, tell).catch((err: unknown) => {
      throw this.mapError(err);
    });
  }

  /** Marks a kill in progress so attachments learn `killed` rather than `exited`. */
  markKilled(): void {
    this.killed = true;
  }

  /** Detaches from tmux (the terminal keeps running) and ends the attachments with `closed`. */
  async close(): Promise<void> {
    this.closing = true;
    this.clearResume();
    this.endAll('closed');
    const ctl = this.ctl;
    this.ctl = null;
    await ctl?.close();
  }

  private host() {
    return {
      write: (data: Buffer) => this.write(data),
      resize: (size: TerminalSize) => this.resize(size),
      detach: (a: Attachment) => {
        this.attachments.delete(a);
      },
      consumerFailed: (err: unknown) => this.log.warn({ err }, 'terminal consumer failed; dropping it'),
    };
  }

  private async control(): Promise<ControlClient> {
    await this.open();
    if (!this.ctl) throw this.goneError();
    return this.ctl;
  }

  private onOutput(data: Buffer): void {
    this.outputSeq++;
    this.ring.push(data);
    for (const a of this.attachments) a.data(data);
    if (!this.bucket.take(data.length) && !this.paused) {
      this.log.info({ max_bytes_per_second: this.opts.maxBytesPerSecond }, 'terminal output over its rate: pausing it');
      this.ctl?.command(`refresh-client -A '${this.address.paneId}:pause'`).catch(() => {});
      this.onPaused();
    }
  }

  /**
   * Output stopped coming (we paused the pane, or tmux did because we lagged). tmux keeps reading the
   * program, so it never blocks, and keeps the screen and scrollback; we skip what it printed meanwhile and,
   * once the bucket has refilled, resume and send everyone a fresh snapshot.
   */
  private onPaused(): void {
    if (this.paused) return;
    this.paused = true;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      void this.resume();
    }, this.bucket.msUntilHalfFull());
  }

  private async resume(): Promise<void> {
    const ctl = this.ctl;
    if (!ctl || this.closing) return;
    try {
      this.paused = false;
      await ctl.command(`refresh-client -A '${this.address.paneId}:continue'`);
      await this.sync({ seedRing: true, attachments: [...this.attachments], reason: 'resync' });
    } catch (err) {
      this.log.debug({ err }, 'terminal resume failed');
    }
  }

  private clearResume(): void {
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
  }

  /**
   * Reads the pane's state and contents through the control connection and, at the point of the stream
   * where the last capture ends, seeds the ring and hands the snapshot to the given attachments (new ones
   * join the live stream right there). Output arriving between the state query and the captures makes the
   * cursor stale, so that is retried; a pane that never stops printing gets the last try as it is.
   */
  private sync(req: SyncRequest): Promise<void> {
    const run = this.syncQueue.then(async () => {
      for (let attempt = 1; ; attempt++) {
        if (await this.trySync(req, attempt === SNAPSHOT_TRIES)) return;
      }
    });
    this.syncQueue = run.catch(() => {});
    return run.catch((err: unknown) => {
      throw this.mapError(err);
    });
  }

  private async trySync(req: SyncRequest, lastTry: boolean): Promise<boolean> {
    const ctl = this.ctl;
    if (!ctl) throw this.goneError();
    const pane = this.address.paneId;
    let seqAtState = 0;
    const [stateLine] = await ctl.command(`display-message -p -t ${pane} '${PANE_STATE_FORMAT}'`, () => {
      seqAtState = this.outputSeq;
    });
    const state = parsePaneState(stateLine?.toString('latin1') ?? '');
    const wanted: { key: 'ring' | 'history' | 'normal' | 'alternate'; command: string }[] = [];
    if (req.seedRing) {
      wanted.push({ key: 'ring', command: `capture-pane -p -J -t ${pane} -S -${this.opts.ringLines} -E ${state.cursorY}` });
    }
    if (req.attachments.length) {
      const back = this.opts.snapshotLines;
      if (!state.alternate) wanted.push({ key: 'normal', command: `capture-pane -p -e -t ${pane} -S -${back}` });
      else {
        // The alternate screen has no history; the normal screen's is still there, and -a reads the
        // normal screen saved behind the full-screen program.
        if (state.historySize > 0) wanted.push({ key: 'history', command: `capture-pane -p -e -t ${pane} -S -${back} -E -1` });
        wanted.push({ key: 'normal', command: `capture-pane -p -e -a -t ${pane}` });
        wanted.push({ key: 'alternate', command: `capture-pane -p -e -t ${pane}` });
      }
    }
    if (!wanted.length) return true;
    const got: Partial<Record<(typeof wanted)[number]['key'], string[]>> = {};
    let done = false;
    await Promise.all(
      wanted.map((w, i) =>
        ctl.command(w.command, (lines) => {
          got[w.key] = text(lines);
          if (i < wanted.length - 1) return;
          // The seam: nothing after this reply has been handled yet.
          if (this.outputSeq !== seqAtState && !lastTry) return;
          this.applySync(req, state, got);
          done = true;
        }),
      ),
    );
    return done;
  }

  private applySync(req: SyncRequest, state: PaneState, got: Partial<Record<'ring' | 'history' | 'normal' | 'alternate', string[]>>): void {
    if (req.seedRing && got.ring) {
      // Fewer lines than asked for: tmux holds nothing older, so the ring now holds everything.
      const complete = state.historySize + state.cursorY + 1 <= this.opts.ringLines;
      this.ring.seed(got.ring, state.cursorX, complete);
    }
    if (!req.attachments.length) return;
    const snapshot: TerminalSnapshot = {
      reason: req.reason,
      data: renderSnapshot({
        state,
        normal: [...(got.history ?? []), ...(got.normal ?? [])],
        alternate: got.alternate,
      }),
      cols: state.cols,
      rows: state.rows,
    };
    for (const a of req.attachments) {
      if (!a.active) continue;
      this.attachments.add(a);
      a.snapshot(snapshot);
    }
  }

  private async onControlExit(ctl: ControlClient, reason: string): Promise<void> {
    this.ctl = null;
    this.opening = null;
    this.clearResume();
    this.paused = false;
    if (this.closing) return;
    // Reaped before anyone hears of the end: no client process outlives what it served.
    await ctl.closed;
    const alive = await this.tmux
      .run(['has-session', '-t', `=${this.address.tmuxName}`])
      .then(() => true)
      .catch(() => false);
    if (alive && !this.killed && this.reopens < MAX_REOPENS) {
      // tmux dropped our client (e.g. too far behind) but the shell lives: reconnect and resync everyone.
      this.reopens++;
      this.log.warn({ reason }, 'terminal control client lost; reconnecting');
      try {
        await this.open();
        await this.sync({ seedRing: false, attachments: [...this.attachments], reason: 'resync' });
        this.reopens = 0;
        return;
      } catch (err) {
        this.log.warn({ err }, 'terminal reconnect failed');
      }
    }
    this.gone = true;
    this.log.info({ reason, killed: this.killed }, 'terminal ended');
    this.endAll(this.killed ? 'killed' : 'exited');
    this.opts.onGone();
  }

  private endAll(reason: AttachmentEnd): void {
    for (const a of [...this.attachments]) a.end(reason);
    this.attachments.clear();
  }

  private goneError(): TerminalError {
    return new TerminalError('terminal_exited', `terminal ${this.address.id} has exited`);
  }

  /** A command refused because the pane or session vanished means the terminal ended under us. */
  private mapError(err: unknown): unknown {
    if (err instanceof ControlCommandError && /can't find|closed|no server|exited|not found/i.test(err.message)) return this.goneError();
    return err;
  }
}
