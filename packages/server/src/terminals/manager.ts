import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  CaptureTerminalQuery,
  CreateTerminalBody,
  Id,
  RenameTerminalBody,
  SearchTerminalBody,
  SendKeysBody,
  type TerminalSize,
  type Terminal,
  type TerminalErrorCode,
  type TerminalSearchMatch,
  type TerminalSearchResult,
} from '@boocode/contracts';
import { pino } from 'pino';
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { AttachOptions, Attachment } from './attachment.js';
import { TerminalError } from './errors.js';
import { LiveTerminal, type TerminalAddress } from './live-terminal.js';
import { RegexWorker } from './regex-worker.js';
import { checkTerminalSize } from './terminal-size.js';
import { TerminalSettings } from './settings.js';
import { Tmux, TmuxCommandError } from './tmux.js';
import { parseTmuxSessionName, tmuxSessionName } from './tmux-names.js';

export interface TerminalManagerOptions extends TerminalSettings {
  /** BOOCODE_HOME: tmux's socket (`tmux.sock`) and config (`tmux.conf`) live here. */
  home: string;
  logger?: Logger;
}

/** One field per line of `list-sessions`; the path goes last since it is the only field that may hold a tab. */
const LIST_FORMAT = ['#{session_name}', '#{session_created}', '#{@boocode_name}', '#{window_width}', '#{window_height}', '#{pane_id}', '#{pane_pid}', '#{pane_current_path}'].join('\t');

interface Entry {
  info: Terminal;
  address: TerminalAddress;
}

/** The user-visible name is stored base64url-encoded in a tmux user option: tmux never parses user text. */
const encodeName = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
const decodeName = (raw: string) => (raw ? Buffer.from(raw, 'base64url').toString('utf8') : '');

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, code: TerminalErrorCode): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new TerminalError(code, `${field}${issue?.message ?? 'invalid'}`);
}

const trimTrailingEmpty = (lines: string[]) => {
  let n = lines.length;
  while (n > 0 && lines[n - 1]!.trim() === '') n--;
  return n;
};

/**
 * Terminals of BooCode sessions: tmux sessions on BooCode's own socket, so they outlive a BooCode restart.
 * tmux is the source of truth (a new manager on the same home lists and reattaches what runs); the manager
 * keeps a control connection per terminal in use, which feeds the search ring and the attachments.
 */
export class TerminalManager {
  private readonly settings: z.output<typeof TerminalSettings>;
  private readonly tmux: Tmux;
  private readonly live = new Map<string, Promise<LiveTerminal>>();
  private readonly regex: RegexWorker;
  /** Per BooCode session: creations run one at a time so the per-session limit holds under concurrency. */
  private readonly creating = new Map<string, Promise<unknown>>();
  private readonly log: Logger;
  private closed = false;

  constructor(opts: TerminalManagerOptions) {
    const { home, logger, ...settings } = opts;
    const parsed = TerminalSettings.safeParse(settings);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`terminal settings: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    this.settings = parsed.data;
    this.log = (logger ?? pino({ level: 'silent' })).child({ component: 'terminals' });
    this.tmux = new Tmux({ home: path.resolve(home), tmuxPath: this.settings.tmuxPath, env: this.settings.env, scrollbackLines: this.settings.scrollbackLines });
    this.regex = new RegexWorker({ maxProgramSize: this.settings.maxPatternProgramSize, timeoutMs: this.settings.searchTimeoutMs });
  }

  /** Resolves when tmux is there and recent enough; else `tmux_missing` / `tmux_unsupported`. */
  ensureAvailable(): Promise<void> {
    return this.tmux.ensureReady();
  }

  /** Terminals still running in tmux, oldest first; of one BooCode session when given. */
  async list(sessionId?: string): Promise<Terminal[]> {
    return (await this.entries(sessionId)).map((e) => e.info);
  }

  async get(id: string): Promise<Terminal> {
    return (await this.find(id)).info;
  }

  /** Starts the user's shell in `cwd` (the session's worktree or the project root). */
  async create(input: { sessionId: string; cwd: string } & CreateTerminalBody): Promise<Terminal> {
    const sessionId = parseOrThrow(Id, input.sessionId, 'terminal_not_found');
    const body = this.parseCreate(input);
    const cwd = await this.checkCwd(input.cwd);
    const prev = this.creating.get(sessionId) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(() => this.createLocked(sessionId, cwd, body));
    this.creating.set(sessionId, run);
    try {
      return await run;
    } finally {
      if (this.creating.get(sessionId) === run) this.creating.delete(sessionId);
    }
  }

  async rename(id: string, name: string): Promise<Terminal> {
    const body = parseOrThrow(RenameTerminalBody, { name }, 'invalid_terminal_name');
    const entry = await this.find(id);
    await this.tmux.run(['set-option', '-t', `=${entry.address.tmuxName}:`, '@boocode_name', encodeName(body.name)]).catch((err: unknown) => {
      throw this.mapGone(err, id);
    });
    return { ...entry.info, name: body.name };
  }

  async kill(id: string): Promise<void> {
    const entry = await this.find(id);
    const live = await this.live.get(id)?.catch(() => null);
    live?.markKilled();
    await this.tmux.run(['kill-session', '-t', `=${entry.address.tmuxName}`]).catch((err: unknown) => {
      throw this.mapGone(err, id);
    });
    this.log.info({ terminal_id: id, session_id: entry.info.session_id }, 'terminal killed');
  }

  /**
   * Kills every terminal of a BooCode session (archiving it); returns how many there were. Without tmux
   * there are none, so archiving works on a machine without it.
   */
  async killSession(sessionId: string): Promise<number> {
    const entries = await this.entriesIfTmux(parseOrThrow(Id, sessionId, 'terminal_not_found'));
    await this.killAll(entries);
    return entries.length;
  }

  /**
   * Kills the terminals of BooCode sessions that are no longer open (archived or deleted while this
   * server was down, or a crash mid-archive). `openOf` answers which of the given session ids are open;
   * asked after listing tmux, so a session opened meanwhile is never taken for a closed one. Without
   * tmux there is nothing to sweep.
   */
  async sweep(openOf: (sessionIds: string[]) => Promise<ReadonlySet<string>>): Promise<number> {
    const entries = await this.entriesIfTmux();
    if (!entries.length) return 0;
    const open = await openOf([...new Set(entries.map((e) => e.info.session_id))]);
    const orphans = entries.filter((e) => !open.has(e.info.session_id));
    await this.killAll(orphans);
    if (orphans.length) this.log.info({ killed: orphans.length }, 'terminals of closed sessions killed');
    return orphans.length;
  }

  /** The terminals, or none on a machine without a usable tmux (which cannot have any). */
  private entriesIfTmux(sessionId?: string): Promise<Entry[]> {
    return this.entries(sessionId).catch((err: unknown) => {
      if (err instanceof TerminalError && (err.code === 'tmux_missing' || err.code === 'tmux_unsupported')) return [];
      throw err;
    });
  }

  /** Kills these terminals; one that ended meanwhile is fine. */
  private async killAll(entries: Entry[]): Promise<void> {
    await Promise.all(
      entries.map((e) =>
        this.kill(e.info.id).catch((err: unknown) => {
          if (!(err instanceof TerminalError && err.code === 'terminal_not_found')) throw err;
        }),
      ),
    );
  }

  /** Attaches a consumer: it gets a snapshot (scrollback and screen), then live output. */
  async attach(id: string, opts: AttachOptions): Promise<Attachment> {
    return (await this.liveFor(id)).attach(opts);
  }

  async resize(id: string, size: TerminalSize): Promise<void> {
    await (await this.liveFor(id)).resize(size);
  }

  async sendKeys(id: string, input: SendKeysBody): Promise<void> {
    const body = parseOrThrow(SendKeysBody, input, 'invalid_terminal_input');
    const live = await this.liveFor(id);
    if (body.text) await live.write(Buffer.from(body.text, 'utf8'));
    if (body.keys) await live.pressKeys(body.keys);
  }

  /** Plain text (or with escape sequences) of the screen and `lines` of scrollback above it. */
  async capture(id: string, query: CaptureTerminalQuery = {}): Promise<string> {
    const q = parseOrThrow(CaptureTerminalQuery, query, 'invalid_terminal_input');
    const entry = await this.find(id);
    const out = await this.tmux
      .run(['capture-pane', '-p', ...(q.escapes ? ['-e'] : []), '-t', entry.address.paneId, '-S', String(-q.lines)])
      .catch((err: unknown) => {
        throw this.mapGone(err, id);
      });
    const lines = out.split('\n');
    return lines.slice(0, trimTrailingEmpty(lines)).join('\n');
  }

  /**
   * Regex search over the ring of recent lines and, when the ring does not hold the terminal's whole
   * history, over the older part of tmux's scrollback. The two are lined up from the newest line.
   */
  async search(id: string, query: SearchTerminalBody): Promise<TerminalSearchResult> {
    const q = parseOrThrow(SearchTerminalBody, query, 'invalid_pattern');
    const live = await this.liveFor(id);
    const recent = live.ring.toArray();
    let older: string[] = [];
    if (live.ring.partialHistory) {
      const out = await this.tmux.run(['capture-pane', '-p', '-J', '-t', live.address.paneId, '-S', '-']).catch((err: unknown) => {
        throw this.mapGone(err, id);
      });
      const all = out.split('\n');
      older = all.slice(0, Math.max(0, trimTrailingEmpty(all) - trimTrailingEmpty(recent)));
    }
    const lines = older.length ? [...older, ...recent] : recent;
    const found = await this.regex.findLines(q.pattern, q.ignore_case, lines, q.limit);
    const matches: TerminalSearchMatch[] = found.indices.map((i) => ({
      line: i + 1,
      source: i < older.length ? 'tmux' : 'buffer',
      text: lines[i]!,
      before: lines.slice(Math.max(0, i - q.context), i),
      after: lines.slice(i + 1, i + 1 + q.context),
    }));
    return { matches, truncated: found.truncated, searched_lines: lines.length };
  }

  /** Disconnects from every terminal (they keep running in tmux) and stops the search worker. */
  async close(): Promise<void> {
    this.closed = true;
    const lives = await Promise.all([...this.live.values()].map((p) => p.catch(() => null)));
    this.live.clear();
    await Promise.all(lives.map((l) => l?.close()));
    await this.regex.close();
  }

  private parseCreate(input: CreateTerminalBody): z.output<typeof CreateTerminalBody> {
    const { name, cols, rows } = input;
    if (cols !== undefined || rows !== undefined) checkTerminalSize({ cols: cols ?? 80, rows: rows ?? 24 });
    return parseOrThrow(CreateTerminalBody, { name, cols, rows }, 'invalid_terminal_name');
  }

  private async checkCwd(cwd: string): Promise<string> {
    if (typeof cwd !== 'string' || !path.isAbsolute(cwd)) throw new TerminalError('invalid_terminal_cwd', `working directory must be an absolute path: ${String(cwd)}`);
    const st = await stat(cwd).catch(() => null);
    if (!st?.isDirectory()) throw new TerminalError('invalid_terminal_cwd', `working directory does not exist: ${cwd}`);
    return cwd;
  }

  private async createLocked(sessionId: string, cwd: string, body: z.output<typeof CreateTerminalBody>): Promise<Terminal> {
    const existing = await this.entries(sessionId);
    if (existing.length >= this.settings.maxTerminalsPerSession) {
      throw new TerminalError('terminal_limit', `session ${sessionId} already has ${existing.length} terminals (at most ${this.settings.maxTerminalsPerSession})`);
    }
    const id = randomUUID();
    const tmuxName = tmuxSessionName(sessionId, id);
    const name = body.name ?? path.basename(this.settings.shell);
    // The directory comes as this tmux client's own cwd, not `-c`: tmux expands formats in `-c` and a
    // trailing `;` in any argument would split the command.
    const paneId = (
      await this.tmux.run(
        [
          'new-session', '-d', '-P', '-F', '#{pane_id}', '-s', tmuxName, '-x', String(body.cols), '-y', String(body.rows),
          '-e', `BOOCODE_SESSION_ID=${sessionId}`, '-e', `BOOCODE_TERMINAL_ID=${id}`, '-e', 'COLORTERM=truecolor',
          '--', this.settings.shell, '-i',
        ],
        { cwd },
      )
    ).trim();
    // resize-window makes the size manual: a client attaching later (ours included) never changes it.
    await this.tmux.run(['resize-window', '-t', paneId, '-x', String(body.cols), '-y', String(body.rows)]);
    await this.tmux.run(['set-option', '-t', `=${tmuxName}:`, '@boocode_name', encodeName(name)]);
    // Connect before anything else can happen, so the ring sees the shell's first output.
    await this.liveFor(id);
    this.log.info({ terminal_id: id, session_id: sessionId, cwd }, 'terminal created');
    return this.get(id);
  }

  private async entries(sessionId?: string): Promise<Entry[]> {
    if (this.closed) throw new Error('terminal manager is closed');
    let out: string;
    try {
      out = await this.tmux.run(['list-sessions', '-F', LIST_FORMAT]);
    } catch (err) {
      if (err instanceof TmuxCommandError && err.noServer) return [];
      throw err;
    }
    const entries: Entry[] = [];
    for (const line of out.split('\n')) {
      const [tmuxName = '', created, rawName = '', cols, rows, paneId = '', pid, ...rest] = line.split('\t');
      const ids = parseTmuxSessionName(tmuxName);
      if (!ids || (sessionId && ids.sessionId !== sessionId)) continue;
      entries.push({
        info: {
          id: ids.terminalId,
          session_id: ids.sessionId,
          name: decodeName(rawName) || path.basename(this.settings.shell),
          cwd: rest.join('\t'),
          cols: Number(cols),
          rows: Number(rows),
          pid: Number(pid),
          created_at: new Date(Number(created) * 1000).toISOString(),
        },
        address: { id: ids.terminalId, sessionId: ids.sessionId, tmuxName, paneId },
      });
    }
    return entries.sort((a, b) => a.info.created_at.localeCompare(b.info.created_at));
  }

  private async find(id: string): Promise<Entry> {
    const notFound = new TerminalError('terminal_not_found', `no terminal with id ${String(id)}`);
    if (!Id.safeParse(id).success) throw notFound;
    const entry = (await this.entries()).find((e) => e.info.id === id);
    if (!entry) throw notFound;
    return entry;
  }

  private liveFor(id: string): Promise<LiveTerminal> {
    const known = this.live.get(id);
    if (known) return known;
    const opening = (async () => {
      const entry = await this.find(id);
      const live: LiveTerminal = new LiveTerminal(entry.address, this.tmux, {
        ringLines: this.settings.ringLines,
        snapshotLines: this.settings.snapshotLines,
        maxBytesPerSecond: this.settings.maxBytesPerSecond,
        logger: this.log,
        onGone: () => {
          if (this.live.get(id) === opening) this.live.delete(id);
        },
      });
      await live.open();
      return live;
    })();
    this.live.set(id, opening);
    opening.catch(() => {
      if (this.live.get(id) === opening) this.live.delete(id);
    });
    return opening;
  }

  /** tmux saying the target is gone means the terminal ended between our lookup and the command. */
  private mapGone(err: unknown, id: string): unknown {
    if (err instanceof TmuxCommandError && (/can't find/.test(err.stderr) || err.noServer)) {
      return new TerminalError('terminal_not_found', `no terminal with id ${id}`);
    }
    return err;
  }
}
