import { describe, expect, it } from 'vitest';
import { ApiClientError } from '@boocode/client';
import type { DiffFile } from '@boocode/contracts';
import { describeBranchRefusal } from '../src/diff/refusals';
import { fileTree, type TreeNode } from '../src/diff/fileTree';

const f = (path: string, additions = 1, deletions = 0): DiffFile => ({ path, status: 'modified', additions, deletions, binary: false });
/** The tree as indented lines: folders with their sums, files by name. */
const outline = (nodes: TreeNode[], depth = 0): string[] =>
  nodes.flatMap((n) =>
    n.kind === 'dir' ? [`${'  '.repeat(depth)}${n.name}/ +${n.additions} -${n.deletions}`, ...outline(n.children, depth + 1)] : [`${'  '.repeat(depth)}${n.name}`],
  );

describe('fileTree', () => {
  it('nests files under folders, folders first, summing their lines and folding single-folder chains', () => {
    const tree = fileTree([f('src/web/diff/b.ts', 2, 1), f('README.md'), f('src/web/diff/a.ts', 3), f('src/server/x.ts', 0, 4), f('docs/deep/er/api.md')]);
    expect(outline(tree)).toEqual([
      'docs/deep/er/ +1 -0',
      '  api.md',
      'src/ +5 -5',
      '  server/ +0 -4',
      '    x.ts',
      '  web/diff/ +5 -1',
      '    a.ts',
      '    b.ts',
      'README.md',
    ]);
    const web = (tree[1] as Extract<TreeNode, { kind: 'dir' }>).children[1]!;
    expect(web).toMatchObject({ kind: 'dir', path: 'src/web/diff' });
  });

  it('is empty for no files and flat for top-level files', () => {
    expect(fileTree([])).toEqual([]);
    expect(outline(fileTree([f('b'), f('a')]))).toEqual(['a', 'b']);
  });
});

describe('describeBranchRefusal', () => {
  it('names the base branch and the files of a conflict, without the code', () => {
    const err = new ApiClientError(409, 'merge_conflict', 'main cannot be merged', { files: ['a.ts'] });
    expect(describeBranchRefusal('update', 'main', err)).toEqual({
      text: "Not updated: the new commits of main conflict with the session's in this file. Nothing was changed. Ask the agent to resolve it, or merge by hand.",
      files: ['a.ts'],
    });
  });

  it('says which uncommitted files are in the way, and gives the server sentence otherwise', () => {
    expect(describeBranchRefusal('update', 'dev', new ApiClientError(409, 'dirty_worktree', 'x', { files: ['a', 'b'] })).text).toBe(
      'Not updated: the update would overwrite uncommitted changes in these 2 files. Nothing was changed; commit or reject them first.',
    );
    expect(describeBranchRefusal('push', 'main', new ApiClientError(409, 'push_failed', 'pushing x to origin failed: rejected')).text).toBe(
      'Not pushed. Pushing x to origin failed: rejected.',
    );
    expect(describeBranchRefusal('push', 'main', new Error('offline')).text).toBe('Not pushed: offline.');
  });

  it('says a push whose pull request failed was pushed, with what gh said', () => {
    const err = new ApiClientError(409, 'pull_request_failed', 'the branch b was pushed to origin, but gh could not open the pull request: HTTP 403', {
      output: 'HTTP 403',
      pushed: { remote: 'origin', branch: 'b', commit: 'c'.repeat(40) },
    });
    expect(describeBranchRefusal('push', 'main', err)).toEqual({ text: 'The branch b was pushed to origin, but gh could not open the pull request: HTTP 403.', files: [] });
  });
});
