import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffWorktree, ensureSessionWorktree, parsePatch, unquotePath } from '../../src/git/index.js';
import { lines, makeProject, read, write, type Fixture } from './helpers.js';

let fx: Fixture;
afterEach(() => fx?.cleanup());

/** Real `git diff` output for edits made by `edit` in a fresh session worktree. */
async function patchOf(files: Record<string, string>, edit: (root: string) => void): Promise<string> {
  fx = makeProject(files);
  const wt = await ensureSessionWorktree({
    home: fx.home,
    projectId: 'p',
    projectPath: fx.project,
    sessionId: 's',
    sessionSlug: 's',
  });
  edit(wt.path);
  return (await diffWorktree({ path: wt.path, baseCommit: wt.base_commit })).patch;
}

function replaceLines(root: string, rel: string, f: (ls: string[]) => string[]): void {
  const ls = read(root, rel).split('\n');
  const last = ls.pop(); // '' after the final newline
  write(root, rel, [...f(ls), last].join('\n'));
}

describe('parsePatch', () => {
  it('is not fooled by content lines that look like patch headers', async () => {
    const tricky = ['--- a/fake', '+++ b/fake', 'diff --git a/x b/x', '@@ -1,1 +1,1 @@', 'index 000..111', 'plain'];
    const patch = await patchOf({ 'tricky.txt': tricky.join('\n') + '\n' }, (root) => {
      write(root, 'tricky.txt', ['-- a/fake', '++ b/fake', 'diff --git a/y b/y', '@@ -9 +9 @@', 'index 000..111', 'plain'].join('\n') + '\n');
    });
    const files = parsePatch(patch);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ path: 'tricky.txt', status: 'modified', additions: 4, deletions: 4 });
    expect(files[0]?.hunks[0]?.touched).toEqual([[1, 4]]);
  });

  it('computes touched base-line ranges for replacements, insertions and deletions', async () => {
    const patch = await patchOf({ 'f.txt': lines(100) }, (root) =>
      replaceLines(root, 'f.txt', (ls) => {
        const out = [...ls];
        out[9] = 'changed 10'; // line 10 replaced
        out.splice(29, 3); // lines 30..32 deleted
        out.splice(50 - 3, 0, 'inserted after old line 50'); // indices shifted by the deletion
        return ['inserted at top', ...out];
      }),
    );
    const [file] = parsePatch(patch);
    expect(file?.hunks.flatMap((h) => h.touched)).toEqual([
      [1, 1],
      [10, 10],
      [30, 32],
      [50, 51],
    ]);
    expect(file).toMatchObject({ additions: 3, deletions: 4 });
  });

  it('handles a missing final newline, new and deleted files', async () => {
    const patch = await patchOf({ 'a.txt': 'one\ntwo', 'gone.txt': lines(7) }, (root) => {
      write(root, 'a.txt', 'one\ntwo\nthree');
      write(root, 'b.txt', 'fresh\nfile\n');
      rmSync(path.join(root, 'gone.txt'));
    });
    expect(patch).toContain('\\ No newline at end of file');
    const byPath = Object.fromEntries(parsePatch(patch).map((f) => [f.path, f]));
    expect(byPath['a.txt']).toMatchObject({ status: 'modified', additions: 2, deletions: 1 });
    expect(byPath['a.txt']?.hunks[0]?.touched).toEqual([[2, 2]]);
    expect(byPath['b.txt']).toMatchObject({ status: 'added', additions: 2, deletions: 0 });
    expect(byPath['b.txt']?.hunks[0]?.touched).toEqual([[1, 1]]);
    expect(byPath['gone.txt']).toMatchObject({ status: 'deleted', additions: 0, deletions: 7 });
    expect(byPath['gone.txt']?.hunks[0]?.touched).toEqual([[1, 7]]);
  });

  it('reads the paths of renames, binary and quoted files', () => {
    const patch = [
      'diff --git "a/tab\\there.txt" "b/tab\\there.txt"',
      'new file mode 100644',
      'index 0000000..3e75765',
      '--- /dev/null',
      '+++ "b/tab\\there.txt"',
      '@@ -0,0 +1 @@',
      '+x',
      'diff --git a/with space.bin b/with space.bin',
      'index 1111111..2222222 100644',
      'Binary files a/with space.bin and b/with space.bin differ',
      'diff --git a/old dir/ä.md b/new dir/ä.md',
      'similarity index 100%',
      'rename from old dir/ä.md',
      'rename to new dir/ä.md',
      'diff --git a/del.txt b/del.txt',
      'deleted file mode 100644',
      'index 587be6b..0000000',
      '--- a/del.txt\t',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '-x',
      '-y',
      '',
    ].join('\n');
    expect(parsePatch(patch).map(({ hunks: _h, ...f }) => f)).toEqual([
      { path: 'tab\there.txt', status: 'added', additions: 1, deletions: 0, binary: false },
      { path: 'with space.bin', status: 'binary', additions: 0, deletions: 0, binary: true },
      { path: 'new dir/ä.md', old_path: 'old dir/ä.md', status: 'renamed', additions: 0, deletions: 0, binary: false },
      { path: 'del.txt', status: 'deleted', additions: 0, deletions: 2, binary: false },
    ]);
    expect(parsePatch('')).toEqual([]);
  });

  it('unquotes C-style paths, including octal UTF-8 bytes', () => {
    expect(unquotePath('"a\\\\b\\"c\\td"')).toBe('a\\b"c\td');
    expect(unquotePath('"\\303\\274n\\303\\257.txt"')).toBe('ünï.txt');
    expect(unquotePath('plain name')).toBe('plain name');
  });
});
