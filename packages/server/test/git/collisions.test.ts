import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collision } from '@boocode/contracts';
import {
  collisionsForSession,
  diffWorktree,
  ensureSessionWorktree,
  findCollisions,
  mergeRanges,
  touchesFromPatch,
  touchSeverity,
  type FileTouch,
} from '../../src/git/index.js';
import { editLine, lines, makeProject, write, type Fixture } from './helpers.js';

const PROJECT_ID = '55555555-5555-4555-8555-555555555555';
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';

let fx: Fixture;
afterEach(() => fx?.cleanup());

async function sessionEditing(sessionId: string, edit: (root: string) => void) {
  const wt = await ensureSessionWorktree({
    home: fx.home,
    projectId: PROJECT_ID,
    projectPath: fx.project,
    sessionId,
    sessionSlug: sessionId.slice(0, 8),
  });
  edit(wt.path);
  const diff = await diffWorktree({ path: wt.path, baseCommit: wt.base_commit });
  return { session_id: sessionId, touches: touchesFromPatch(diff.patch) };
}

describe('collisions between two sessions of a project (real worktrees and diffs)', () => {
  it.each([
    ['the same line', 50, 'same_line'],
    ['a line 5 away', 55, 'adjacent_line'],
    ['a line 3 away', 47, 'adjacent_line'],
    ['a line 6 away', 56, 'different_area'],
    ['a distant line', 90, 'different_area'],
  ] as const)('session B editing %s is %s', async (_label, lineB, severity) => {
    fx = makeProject({ 'src/shared file ü.ts': lines(100) });
    const a = await sessionEditing(A, (root) => editLine(root, 'src/shared file ü.ts', 50, 'A was here'));
    const b = await sessionEditing(B, (root) => editLine(root, 'src/shared file ü.ts', lineB, 'B was here'));
    const collisions = findCollisions([a, b]);
    expect(collisions).toEqual([
      {
        file: 'src/shared file ü.ts',
        severity,
        session_id: A,
        other_session_id: B,
        ranges: [[50, 50]],
        other_ranges: [[lineB, lineB]],
      },
    ]);
    expect(Collision.array().parse(collisions)).toEqual(collisions);
  });

  it('reports nothing for sessions touching different files, and every pair of three sessions', async () => {
    fx = makeProject({ 'x.ts': lines(30), 'y.ts': lines(30) });
    const a = await sessionEditing(A, (root) => editLine(root, 'x.ts', 10, 'A'));
    const b = await sessionEditing(B, (root) => editLine(root, 'y.ts', 10, 'B'));
    expect(findCollisions([a, b])).toEqual([]);
    const c = await sessionEditing(C, (root) => {
      editLine(root, 'x.ts', 12, 'C');
      editLine(root, 'y.ts', 25, 'C');
    });
    const all = findCollisions([c, b, a]);
    expect(all.map((x) => [x.file, x.session_id, x.other_session_id, x.severity])).toEqual([
      ['x.ts', A, C, 'adjacent_line'],
      ['y.ts', B, C, 'different_area'],
    ]);
    // From C's point of view (what its collision_warning frame carries).
    expect(collisionsForSession(all, C).map((x) => [x.file, x.session_id, x.other_session_id, x.ranges])).toEqual([
      ['x.ts', C, A, [[12, 12]]],
      ['y.ts', C, B, [[25, 25]]],
    ]);
    expect(collisionsForSession(all, A)).toHaveLength(1);
  });

  it('treats deleting, adding or changing a binary file as touching all of it', async () => {
    fx = makeProject({ 'doomed.ts': lines(100), 'img.bin': Buffer.from([0, 1, 2]) });
    const a = await sessionEditing(A, (root) => {
      rmSync(path.join(root, 'doomed.ts'));
      write(root, 'img.bin', Buffer.from([0, 1, 2, 3]));
      write(root, 'brand new.ts', 'a\n');
    });
    const b = await sessionEditing(B, (root) => {
      editLine(root, 'doomed.ts', 99, 'B edits near the end');
      write(root, 'img.bin', Buffer.from([0, 9]));
      write(root, 'brand new.ts', 'b\n');
    });
    expect(findCollisions([a, b]).map((x) => [x.file, x.severity])).toEqual([
      ['brand new.ts', 'same_line'],
      ['doomed.ts', 'same_line'],
      ['img.bin', 'same_line'],
    ]);
  });

  it('keys a renamed file by its base path', async () => {
    fx = makeProject({ 'old.ts': lines(40) });
    const a = await sessionEditing(A, (root) => {
      editLine(root, 'old.ts', 20, 'A edit before moving');
      write(root, 'moved.ts', readFileSync(path.join(root, 'old.ts')));
      rmSync(path.join(root, 'old.ts'));
    });
    expect(a.touches).toEqual([{ path: 'old.ts', ranges: [[20, 20]], whole_file: false }]);
    const b = await sessionEditing(B, (root) => editLine(root, 'old.ts', 22, 'B'));
    expect(findCollisions([a, b])[0]).toMatchObject({ file: 'old.ts', severity: 'adjacent_line' });
  });
});

describe('range arithmetic', () => {
  const t = (ranges: [number, number][], whole = false): FileTouch => ({ path: 'f', ranges, whole_file: whole });

  it('classifies by the closest pair of ranges, with the adjacency threshold of 5 lines', () => {
    expect(touchSeverity(t([[10, 20]]), t([[20, 30]]))).toBe('same_line');
    expect(touchSeverity(t([[10, 20]]), t([[25, 30]]))).toBe('adjacent_line');
    expect(touchSeverity(t([[10, 20]]), t([[26, 30]]))).toBe('different_area');
    expect(touchSeverity(t([[1, 1], [100, 100]]), t([[50, 50], [103, 104]]))).toBe('adjacent_line');
    expect(touchSeverity(t([], true), t([[500, 500]]))).toBe('same_line');
  });

  it('merges overlapping and touching ranges', () => {
    expect(mergeRanges([[10, 12], [1, 2], [3, 4], [11, 20], [30, 30]])).toEqual([[1, 4], [10, 20], [30, 30]]);
  });
});
