import type { DiffFile, DiffFileStatus, DiffStats, LineRange } from '@boocode/contracts';

/**
 * Parser for the unified diffs `git diff` writes (with `a/` `b/` prefixes). Stored pending changes are
 * plain patch text, so per-file stats and collision ranges must come from the text alone. It is exact
 * rather than heuristic: hunk bodies are consumed by the counts in their `@@` headers, so content lines
 * that look like headers (`--- x`, `diff --git`) are never mistaken for them.
 */

export interface ParsedHunk {
  old_start: number;
  old_lines: number;
  new_start: number;
  new_lines: number;
  /**
   * What the hunk changes, in base-file (old) line numbers: removed/replaced lines as their own range,
   * a pure insertion between old lines k and k+1 as `[k, k+1]` (clamped to `[1, 1]` at the top), since
   * an edit on either neighbour of an insertion point is what makes two changes clash.
   */
  touched: LineRange[];
}

export interface ParsedFile extends DiffFile {
  hunks: ParsedHunk[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of a path (`"a/we\"ird\ttab"`); octal escapes are UTF-8 bytes. */
export function unquotePath(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A path on a `---`/`+++`/`rename` line: quoted, or raw up to git's trailing TAB (added for spaces). */
function headerPath(raw: string): string {
  const s = raw.startsWith('"') ? raw : raw.replace(/\t$/, '');
  return unquotePath(s);
}

function stripPrefix(p: string, prefix: 'a/' | 'b/'): string {
  return p.startsWith(prefix) ? p.slice(2) : p;
}

/** `diff --git a/P b/P` when nothing else names the file (binary or mode-only changes). */
function pathsFromDiffLine(rest: string): { oldPath: string; newPath: string } {
  if (rest.startsWith('"')) {
    // Both sides quoted, or a quoted first one: split after the closing quote.
    let i = 1;
    while (i < rest.length && !(rest[i] === '"' && rest[i - 1] !== '\\')) i++;
    const first = rest.slice(0, i + 1);
    const second = rest.slice(i + 2);
    return { oldPath: stripPrefix(unquotePath(first), 'a/'), newPath: stripPrefix(unquotePath(second), 'b/') };
  }
  // Unquoted and not a rename: both halves are the same path, so the split point is the middle.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(0, half).slice(2) === rest.slice(half + 1).slice(2)) {
    const p = rest.slice(2, half);
    return { oldPath: p, newPath: p };
  }
  const sp = rest.indexOf(' b/');
  return { oldPath: stripPrefix(rest.slice(0, sp), 'a/'), newPath: rest.slice(sp + 3) };
}

interface Draft {
  oldPath: string | null;
  newPath: string | null;
  kind: 'added' | 'modified' | 'deleted' | 'renamed';
  binary: boolean;
  additions: number;
  deletions: number;
  hunks: ParsedHunk[];
  diffLine: string;
}

function finish(d: Draft): ParsedFile {
  let { oldPath, newPath } = d;
  if (oldPath === null || newPath === null) {
    const fromLine = pathsFromDiffLine(d.diffLine);
    oldPath ??= fromLine.oldPath;
    newPath ??= fromLine.newPath;
  }
  const status: DiffFileStatus = d.binary && d.kind === 'modified' ? 'binary' : d.kind;
  const file: ParsedFile = {
    path: d.kind === 'deleted' ? oldPath : newPath,
    status,
    additions: d.additions,
    deletions: d.deletions,
    binary: d.binary,
    hunks: d.hunks,
  };
  if (d.kind === 'renamed') file.old_path = oldPath;
  return file;
}

/** Splits a hunk body into changed regions and records them in old-file coordinates. */
function touchedRanges(oldStart: number, oldLines: number, body: readonly string[]): LineRange[] {
  const ranges: LineRange[] = [];
  // Number of the next old line; `-a,0` means "after line a".
  let cur = oldLines === 0 ? oldStart + 1 : oldStart;
  let delFirst = 0;
  let delLast = 0;
  let inserted = false;
  const flush = () => {
    if (delFirst > 0) ranges.push([delFirst, delLast]);
    else if (inserted) ranges.push(cur - 1 >= 1 ? [cur - 1, cur] : [1, 1]);
    delFirst = delLast = 0;
    inserted = false;
  };
  for (const line of body) {
    const c = line[0];
    if (c === '-') {
      if (delFirst === 0) delFirst = cur;
      delLast = cur;
      cur++;
    } else if (c === '+') {
      inserted = true;
    } else if (c === '\\') {
      continue; // "\ No newline at end of file"
    } else {
      flush();
      cur++;
    }
  }
  flush();
  return ranges;
}

export function parsePatch(patch: string): ParsedFile[] {
  const lines = patch.split('\n');
  const files: ParsedFile[] = [];
  let d: Draft | null = null;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.startsWith('diff --git ')) {
      if (d) files.push(finish(d));
      d = {
        oldPath: null,
        newPath: null,
        kind: 'modified',
        binary: false,
        additions: 0,
        deletions: 0,
        hunks: [],
        diffLine: line.slice('diff --git '.length),
      };
      i++;
      continue;
    }
    if (!d) {
      i++; // preamble before the first file (e.g. `git format-patch` headers)
      continue;
    }
    const hunk = HUNK_HEADER.exec(line);
    if (hunk) {
      const oldStart = Number(hunk[1]);
      const oldLines = hunk[2] === undefined ? 1 : Number(hunk[2]);
      const newStart = Number(hunk[3]);
      const newLines = hunk[4] === undefined ? 1 : Number(hunk[4]);
      let oldLeft = oldLines;
      let newLeft = newLines;
      const body: string[] = [];
      i++;
      while (i < lines.length && (oldLeft > 0 || newLeft > 0 || lines[i]!.startsWith('\\'))) {
        const l = lines[i]!;
        const c = l[0];
        // A truncated hunk must not swallow the next file's header.
        if (c !== undefined && c !== ' ' && c !== '+' && c !== '-' && c !== '\\') break;
        if (c === '+') {
          newLeft--;
          d.additions++;
        } else if (c === '-') {
          oldLeft--;
          d.deletions++;
        } else if (c !== '\\') {
          // Context; an empty line is a context line whose leading space was stripped.
          oldLeft--;
          newLeft--;
        }
        body.push(l);
        i++;
      }
      d.hunks.push({
        old_start: oldStart,
        old_lines: oldLines,
        new_start: newStart,
        new_lines: newLines,
        touched: touchedRanges(oldStart, oldLines, body),
      });
      continue;
    }
    if (line.startsWith('new file mode')) d.kind = 'added';
    else if (line.startsWith('deleted file mode')) d.kind = 'deleted';
    else if (line.startsWith('rename from ')) {
      d.kind = 'renamed';
      d.oldPath = headerPath(line.slice('rename from '.length));
    } else if (line.startsWith('rename to ')) {
      d.kind = 'renamed';
      d.newPath = headerPath(line.slice('rename to '.length));
    } else if (line.startsWith('copy from ')) {
      d.oldPath = headerPath(line.slice('copy from '.length));
    } else if (line.startsWith('copy to ')) {
      d.kind = 'added'; // a copy is a new file as far as the base is concerned
      d.newPath = headerPath(line.slice('copy to '.length));
    } else if (line.startsWith('--- ')) {
      const p = headerPath(line.slice(4));
      if (p !== '/dev/null' && d.oldPath === null) d.oldPath = stripPrefix(p, 'a/');
    } else if (line.startsWith('+++ ')) {
      const p = headerPath(line.slice(4));
      if (p !== '/dev/null' && d.newPath === null) d.newPath = stripPrefix(p, 'b/');
    } else if (line === 'GIT binary patch' || (line.startsWith('Binary files ') && line.endsWith(' differ'))) {
      d.binary = true;
    }
    i++;
  }
  if (d) files.push(finish(d));
  return files;
}

export function diffStats(files: readonly DiffFile[]): DiffStats {
  let additions = 0;
  let deletions = 0;
  for (const f of files) {
    additions += f.additions;
    deletions += f.deletions;
  }
  return { files: files.length, additions, deletions };
}

/** The wire form of parsed files (hunks dropped). */
export function toDiffFiles(files: readonly ParsedFile[]): DiffFile[] {
  return files.map(({ hunks: _hunks, ...f }) => f);
}
