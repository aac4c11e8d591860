/** A unified diff (`git diff` output) split into files, hunks and numbered lines. */
export type PatchLineKind = 'add' | 'del' | 'context' | 'note';

export interface PatchLine {
  kind: PatchLineKind;
  text: string;
  /** Line number in the old file (del/context), else null. */
  oldNo: number | null;
  /** Line number in the new file (add/context), else null. */
  newNo: number | null;
}

export interface PatchHunk {
  header: string;
  oldStart: number;
  newStart: number;
  lines: PatchLine[];
}

export type PatchFileStatus = 'added' | 'deleted' | 'modified' | 'renamed';

export interface PatchFile {
  oldPath: string | null;
  newPath: string | null;
  /** The path to show: the new path, or the old one for a deletion. */
  path: string;
  status: PatchFileStatus;
  binary: boolean;
  additions: number;
  deletions: number;
  hunks: PatchHunk[];
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/;

/** `a/x` or `b/x` (possibly quoted by git for unusual names) -> `x`; `/dev/null` -> null. */
function stripPrefix(p: string): string | null {
  let s = p.trim();
  if (s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).replace(/\\(.)/g, '$1');
  if (s === '/dev/null') return null;
  return s.replace(/^[ab]\//, '');
}

export function parseUnifiedDiff(text: string): PatchFile[] {
  const files: PatchFile[] = [];
  let file: PatchFile | null = null;
  let hunk: PatchHunk | null = null;
  let oldNo = 0;
  let newNo = 0;

  const startFile = (oldPath: string | null, newPath: string | null): PatchFile => {
    const f: PatchFile = {
      oldPath,
      newPath,
      path: newPath ?? oldPath ?? '',
      status: 'modified',
      binary: false,
      additions: 0,
      deletions: 0,
      hunks: [],
    };
    files.push(f);
    hunk = null;
    return f;
  };

  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (line.startsWith('diff --git ')) {
      const m = /^diff --git (?:"?a\/(.+?)"?) (?:"?b\/(.+?)"?)$/.exec(line);
      file = startFile(m?.[1] ?? null, m?.[2] ?? null);
      continue;
    }
    if (hunk && file && (line.startsWith('+') || line.startsWith('-') || line.startsWith(' ') || line === '')) {
      // Inside a hunk, `---`/`+++` are content lines, not headers.
      if (line.startsWith('+')) {
        hunk.lines.push({ kind: 'add', text: line.slice(1), oldNo: null, newNo: newNo++ });
        file.additions++;
      } else if (line.startsWith('-')) {
        hunk.lines.push({ kind: 'del', text: line.slice(1), oldNo: oldNo++, newNo: null });
        file.deletions++;
      } else if (line !== '') {
        hunk.lines.push({ kind: 'context', text: line.slice(1), oldNo: oldNo++, newNo: newNo++ });
      }
      continue;
    }
    if (line.startsWith('\\')) {
      hunk?.lines.push({ kind: 'note', text: line.slice(2), oldNo: null, newNo: null });
      continue;
    }
    if (line.startsWith('--- ')) {
      if (!file || file.hunks.length > 0) file = startFile(null, null);
      file.oldPath = stripPrefix(line.slice(4));
      hunk = null;
      continue;
    }
    if (line.startsWith('+++ ') && file) {
      file.newPath = stripPrefix(line.slice(4));
      file.path = file.newPath ?? file.oldPath ?? file.path;
      if (file.oldPath === null) file.status = 'added';
      else if (file.newPath === null) file.status = 'deleted';
      continue;
    }
    const h = HUNK.exec(line);
    if (h && file) {
      oldNo = Number(h[1]);
      newNo = Number(h[2]);
      hunk = { header: line, oldStart: oldNo, newStart: newNo, lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    if (!file) continue;
    if (line.startsWith('new file mode')) file.status = 'added';
    else if (line.startsWith('deleted file mode')) {
      file.status = 'deleted';
      file.path = file.oldPath ?? file.path;
      file.newPath = null;
    } else if (line.startsWith('rename from ')) {
      file.status = 'renamed';
      file.oldPath = line.slice('rename from '.length);
    } else if (line.startsWith('rename to ')) {
      file.status = 'renamed';
      file.newPath = line.slice('rename to '.length);
      file.path = file.newPath;
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') file.binary = true;
  }
  return files;
}
