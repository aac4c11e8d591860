import { StringDecoder } from 'node:string_decoder';

/**
 * The last N lines of a terminal's output as plain text, for scrollback search. Fed with the raw bytes the
 * program wrote: UTF-8 is decoded across chunk borders, escape sequences are dropped, and the few cursor
 * moves shells and progress bars use on the current line (CR, BS, CSI C/D/G/K) are applied, so a line
 * reads as it was left on screen. Full-screen programs (vim, top) move the cursor freely; their lines
 * here are approximate, which is what the tmux capture fallback is for.
 */

/** Longer lines are cut here: a minified file cat'ed to the terminal must not hold megabytes per line. */
export const MAX_LINE_CHARS = 4096;

const enum State {
  Text,
  Esc,
  Csi,
  /** OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (ESC \). */
  Str,
  StrEsc,
}

/** Characters that stop a run of plain text. */
const SPECIAL = /[\x00-\x1f\x7f]/g;

export class LineRing {
  private readonly lines: string[] = [];
  /** Index in `lines` of the oldest line once the ring is full. */
  private head = 0;
  private current = '';
  private col = 0;
  private state = State.Text;
  private csi = '';
  private readonly decoder = new StringDecoder('utf8');
  /** The ring may not hold everything the terminal ever showed (seeded from tmux, or lines evicted). */
  partialHistory = false;

  constructor(readonly capacity: number) {}

  /** Committed lines, oldest first, followed by the line the cursor is on. */
  toArray(): string[] {
    const ordered = this.lines.length < this.capacity ? this.lines.slice() : [...this.lines.slice(this.head), ...this.lines.slice(0, this.head)];
    ordered.push(this.current);
    return ordered;
  }

  get size(): number {
    return this.lines.length + 1;
  }

  /**
   * Replaces the content with lines read back from tmux (oldest first; the last one is the cursor's line,
   * with the cursor at `col`). `complete`: tmux holds nothing older than these.
   */
  seed(lines: readonly string[], col: number, complete: boolean): void {
    this.lines.length = 0;
    this.head = 0;
    this.state = State.Text;
    this.csi = '';
    const committed = lines.slice(0, -1);
    this.partialHistory = !complete || committed.length > this.capacity;
    for (const l of committed.slice(-this.capacity)) this.commit(l.trimEnd());
    const last = lines.at(-1) ?? '';
    this.current = last.length < col ? last.padEnd(col) : last;
    this.col = col;
  }

  push(data: Buffer): void {
    const text = this.decoder.write(data);
    let i = 0;
    while (i < text.length) {
      if (this.state === State.Text) {
        SPECIAL.lastIndex = i;
        const m = SPECIAL.exec(text);
        const end = m ? m.index : text.length;
        if (end > i) this.write(text.slice(i, end));
        if (!m) return;
        this.control(text.charCodeAt(end));
        i = end + 1;
        continue;
      }
      this.escape(text[i]!);
      i++;
    }
  }

  private control(code: number): void {
    switch (code) {
      case 0x0a: // LF: the pty's ONLCR already sent CR; a bare LF still starts a new line here
        this.commit(this.current.trimEnd());
        this.current = '';
        this.col = 0;
        return;
      case 0x0d:
        this.col = 0;
        return;
      case 0x08:
        if (this.col > 0) this.col--;
        return;
      case 0x09:
        this.write(' '.repeat(8 - (this.col % 8)));
        return;
      case 0x1b:
        this.state = State.Esc;
        return;
      default:
        return;
    }
  }

  private escape(ch: string): void {
    switch (this.state) {
      case State.Esc:
        if (ch === '[') {
          this.state = State.Csi;
          this.csi = '';
        } else if (ch === ']' || ch === 'P' || ch === 'X' || ch === '^' || ch === '_') {
          this.state = State.Str;
        } else if (ch >= ' ' && ch <= '/') {
          // Intermediate byte (ESC ( B and friends): the final byte follows and is dropped as Esc.
        } else {
          this.state = State.Text;
        }
        return;
      case State.Csi: {
        const code = ch.charCodeAt(0);
        if (code >= 0x40 && code <= 0x7e) {
          this.state = State.Text;
          this.applyCsi(ch);
        } else if (this.csi.length < 32) {
          this.csi += ch;
        }
        return;
      }
      case State.Str:
        if (ch === '\x07') this.state = State.Text;
        else if (ch === '\x1b') this.state = State.StrEsc;
        return;
      case State.StrEsc:
        this.state = ch === '\\' ? State.Text : State.Str;
        return;
      default:
        return;
    }
  }

  private applyCsi(final: string): void {
    if (this.csi.startsWith('?') || this.csi.startsWith('>')) return;
    const n = Number.parseInt(this.csi, 10);
    switch (final) {
      case 'C':
        this.col = Math.min(MAX_LINE_CHARS, this.col + (n || 1));
        return;
      case 'D':
        this.col = Math.max(0, this.col - (n || 1));
        return;
      case 'G':
        this.col = Math.min(MAX_LINE_CHARS, Math.max(0, (n || 1) - 1));
        return;
      case 'K':
        if (!n) this.current = this.current.slice(0, this.col);
        else if (n === 1) this.current = ' '.repeat(Math.min(this.col, this.current.length)) + this.current.slice(this.col);
        else this.current = '';
        return;
      default:
        return;
    }
  }

  /** Writes printable text at the cursor, overwriting what is there (as a terminal does after a CR). */
  private write(s: string): void {
    const room = MAX_LINE_CHARS - this.col;
    if (room <= 0) return;
    if (s.length > room) s = s.slice(0, room);
    const cur = this.current;
    if (this.col === cur.length) this.current = cur + s;
    else if (this.col > cur.length) this.current = cur.padEnd(this.col) + s;
    else this.current = cur.slice(0, this.col) + s + cur.slice(this.col + s.length);
    this.col += s.length;
  }

  private commit(line: string): void {
    if (this.lines.length < this.capacity) {
      this.lines.push(line);
      return;
    }
    this.lines[this.head] = line;
    this.head = (this.head + 1) % this.capacity;
    this.partialHistory = true;
  }
}
