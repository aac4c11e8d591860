/**
 * What a program printed to a terminal, as plain text to stream into a chat. Colours, cursor moves
 * and window titles are dropped. A line is given out when it ends; a line redrawn in place (a
 * carriage return, an erase-line: progress bars, spinners) is given out only as it last stood.
 * A partial line (a prompt, a slow line) is given out by `flushPartial`, which the caller calls
 * when output goes quiet; a redraw after that starts a new line, so redrawing never garbles text.
 */
export class TerminalText {
  /** An escape sequence cut off at the end of the last chunk. */
  private pendingEscape = '';
  /** The current line, not given out yet. */
  private line = '';
  /** The next printable character replaces the current line (after a carriage return or erase). */
  private rewind = false;
  /** Part of the current line was already given out. */
  private lineStarted = false;

  /** Takes a chunk of terminal output and returns the text completed by it. */
  push(chunk: string): string {
    const data = this.pendingEscape + chunk;
    this.pendingEscape = '';
    let out = '';
    let i = 0;
    while (i < data.length) {
      const c = data[i]!;
      if (c === '\x1b') {
        const end = escapeEnd(data, i);
        if (end === null) {
          this.pendingEscape = data.slice(i);
          break;
        }
        if (erasesLine(data.slice(i, end))) this.rewind = true;
        i = end;
        continue;
      }
      if (c === '\n') {
        out += this.line + '\n';
        this.line = '';
        this.rewind = false;
        this.lineStarted = false;
      } else if (c === '\r') {
        this.rewind = true;
      } else if (c === '\b') {
        this.line = this.line.slice(0, -1);
      } else if (c === '\t' || c >= ' ') {
        if (c === '\x7f' || (c >= '\x80' && c <= '\x9f')) {
          i++;
          continue;
        }
        if (this.rewind) {
          this.line = '';
          this.rewind = false;
          // The start of this line is already out: the redrawn line goes on a line of its own.
          if (this.lineStarted) {
            out += '\n';
            this.lineStarted = false;
          }
        }
        this.line += c;
      }
      i++;
    }
    return out;
  }

  /** The partial line, given out now (output went quiet); '' when there is none. */
  flushPartial(): string {
    const text = this.line;
    if (!text) return '';
    this.line = '';
    this.lineStarted = true;
    return text;
  }

  /** Whatever is left once the program has ended. */
  end(): string {
    this.pendingEscape = '';
    const text = this.line;
    this.line = '';
    return text;
  }
}

/**
 * Index just past the escape sequence starting at `i`, or null when the data ends inside it.
 * CSI (`ESC [ ... final`), OSC and other strings (`ESC ] ... BEL` or `ESC \`), and two-character
 * escapes (`ESC =`, `ESC ( B`, ...) are recognised.
 */
function escapeEnd(s: string, i: number): number | null {
  if (i + 1 >= s.length) return null;
  const kind = s[i + 1]!;
  if (kind === '[') {
    for (let j = i + 2; j < s.length; j++) {
      const code = s.charCodeAt(j);
      if (code >= 0x40 && code <= 0x7e) return j + 1;
    }
    return null;
  }
  if (kind === ']' || kind === 'P' || kind === '_' || kind === '^' || kind === 'X') {
    for (let j = i + 2; j < s.length; j++) {
      if (s[j] === '\x07') return j + 1;
      if (s[j] === '\x1b') return j + 1 < s.length ? j + 2 : null;
    }
    return null;
  }
  // Character-set selection takes one more character.
  if (kind === '(' || kind === ')' || kind === '*' || kind === '+' || kind === '#' || kind === '%') return i + 2 < s.length ? i + 3 : null;
  return i + 2;
}

/** Sequences that start the current line over: erase the whole line, or go back to its first column. */
function erasesLine(seq: string): boolean {
  return /^\x1b\[(2K|1?G)$/.test(seq);
}
