import { isUtf8 } from 'node:buffer';
import { copyFile, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionDiff } from '@boocode/contracts';
import { git, runGit, splitNul } from './exec.js';
import { copiedFiles } from './layout.js';
import { diffStats, parsePatch, toDiffFiles } from './patch.js';
import { parseSha } from './repo.js';

/**
 * Options that make the patch independent of the user's git configuration: fixed a/ b/ prefixes and
 * context, no external diff or textconv, blank context lines kept as " ", renames detected, and binary
 * content included so the patch applies anywhere (`git apply` needs it; display uses `binary`).
 */
const PATCH_ARGS = [
  '-c',
  'diff.suppressBlankEmpty=false',
  'diff',
  '--binary',
  '-M',
  '-U3',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-relative',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

/** Paths (both sides) of the files whose section of a patch is not valid UTF-8. */
function nonUtf8Files(patch: Buffer): string[] {
  const paths = new Set<string>();
  const marker = Buffer.from('\ndiff --git ');
  let start = 0;
  while (start < patch.length) {
    const next = patch.indexOf(marker, start);
    const end = next < 0 ? patch.length : next + 1;
    const section = patch.subarray(start, end);
    if (!isUtf8(section)) {
      for (const f of parsePatch(section.toString('utf8'))) {
        paths.add(f.path);
        if (f.old_path) paths.add(f.old_path);
      }
    }
    start = end;
  }
  return [...paths];
}

/** A literal, root-anchored gitattributes pattern: glob characters escaped, then C-quoted. */
function attributePattern(p: string): string {
  const glob = '/' + p.replace(/[\\*?[]/g, '\\$&');
  return `"${glob.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

export interface DiffWorktreeOptions {
  /** The worktree (or, for a non-isolated session, the project root). */
  path: string;
  baseCommit: string;
  /**
   * Repository-relative paths to leave out. Default: the files `ensureSessionWorktree` copied in from
   * the project (they are configuration, not the agent's work).
   */
  exclude?: readonly string[];
  signal?: AbortSignal;
}

/**
 * The unified diff of a working tree against `baseCommit`: committed and uncommitted edits, new
 * (untracked, not ignored) files, deletions and binary files, with per-file stats.
 *
 * New files only show in a diff once they are in an index, and the working tree's own index must stay
 * untouched (it is the user's, for a non-isolated session). So the diff runs on a throwaway copy of the
 * index in which untracked files are added as intent-to-add (`git add -N`: no blobs written). Copying
 * the real index (and its modification time, which git's racy-entry check relies on) keeps its stat
 * cache, so unchanged files are not re-read.
 */
export async function diffWorktree(opts: DiffWorktreeOptions): Promise<SessionDiff> {
  const cwd = opts.path;
  const exclude = new Set(opts.exclude ?? (await copiedFiles(cwd)));
  // One call for both: every spawn counts when the diff runs after each turn.
  const [indexPath = '', headLine = ''] = (
    await git(['rev-parse', '--path-format=absolute', '--git-path', 'index', 'HEAD'], { cwd })
  ).split('\n');
  const head = parseSha(headLine, 'HEAD');
  const tmp = await mkdtemp(path.join(tmpdir(), 'boocode-diff-'));
  try {
    const tmpIndex = path.join(tmp, 'index');
    try {
      await copyFile(indexPath, tmpIndex);
      // The copy must keep the index's own time: git re-reads ("racily clean") entries whose file time
      // is not older than the index, and a fresh copy would make a same-size edit made in the second
      // the index was written look unchanged. Rounded down to the second: at worst more re-reads.
      const { mtimeMs } = await stat(indexPath);
      const written = new Date(Math.floor(mtimeMs / 1000) * 1000);
      await utimes(tmpIndex, written, written);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // No index yet (nothing ever checked out/added): start from the base tree.
      await git(['read-tree', opts.baseCommit], { cwd, env: { GIT_INDEX_FILE: tmpIndex } });
    }
    const env = { GIT_INDEX_FILE: tmpIndex };
    const untracked = splitNul(
      await git(['ls-files', '-z', '--others', '--exclude-standard'], { cwd, env, signal: opts.signal }),
    ).filter((p) => !exclude.has(p) && !p.endsWith('/')); // a trailing `/` is a nested repository
    if (untracked.length > 0) {
      // Paths go through stdin (no argv limit) and literally (a file named `*.ts` is not a glob).
      await runGit(['--literal-pathspecs', 'add', '-N', '--pathspec-from-file=-', '--pathspec-file-nul'], {
        cwd,
        env,
        input: untracked.join('\0') + '\0',
        signal: opts.signal,
      });
    }
    const pathspec = ['--', ...[...exclude].map((p) => `:(exclude,literal)${p}`)];
    // An exclude-only pathspec would match nothing; "." restores "everything but these".
    if (exclude.size > 0) pathspec.splice(1, 0, '.');
    const run = async (extra: string[]) =>
      (await runGit([...extra, ...PATCH_ARGS, opts.baseCommit, ...pathspec], { cwd, env, signal: opts.signal })).stdout;
    let out = await run([]);
    const notUtf8 = isUtf8(out) ? [] : nonUtf8Files(out);
    if (notUtf8.length > 0) {
      // Text that is not UTF-8 (Latin-1 sources...) would be mangled by decoding and the patch would no
      // longer apply. Those files are diffed as binary instead: exact bytes, shown as binary.
      const attributes = path.join(tmp, 'attributes');
      await writeFile(attributes, notUtf8.map((p) => `${attributePattern(p)} binary\n`).join(''));
      out = await run(['-c', `core.attributesFile=${attributes}`]);
    }
    const patch = out.toString('utf8');
    const files = toDiffFiles(parsePatch(patch));
    return {
      base_commit: opts.baseCommit,
      head,
      files,
      patch,
      stats: diffStats(files),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
