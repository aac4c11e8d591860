import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSessionWorktree, reapWorktrees, worktreePathFor } from '../../src/git/index.js';
import { makeProject, sh, write, type Fixture } from './helpers.js';

const PROJECT_ID = '66666666-6666-4666-8666-666666666666';
const LIVE = '10000000-0000-4000-8000-00000000000a';
const BUSY = '20000000-0000-4000-8000-00000000000b';
const ORPHAN = '30000000-0000-4000-8000-00000000000c';
const ARCHIVED = '40000000-0000-4000-8000-00000000000d';

let fx: Fixture;
afterEach(() => fx?.cleanup());

function create(sessionId: string) {
  return ensureSessionWorktree({
    home: fx.home,
    projectId: PROJECT_ID,
    projectPath: fx.project,
    sessionId,
    sessionSlug: sessionId.slice(0, 1),
  });
}

describe('reapWorktrees', () => {
  it('removes orphaned and archived worktrees, keeps live and busy ones, and prunes git', async () => {
    fx = makeProject();
    const live = await create(LIVE);
    const busy = await create(BUSY);
    const orphan = await create(ORPHAN);
    const archived = await create(ARCHIVED);
    write(orphan.path, 'unsaved.txt', 'work of a crashed turn\n');

    // BUSY is not live (e.g. archived while its last task still runs): busy wins.
    const res = await reapWorktrees({ home: fx.home, live: new Set([LIVE]), busy: new Set([BUSY]) });

    expect(res.removed.map((r) => r.session_id)).toEqual([ORPHAN, ARCHIVED].sort());
    expect(res.removed.find((r) => r.session_id === ORPHAN)?.branch).toBe(orphan.branch);
    expect(res.kept).toEqual([
      { project_id: PROJECT_ID, session_id: LIVE, path: live.path, reason: 'live' },
      { project_id: PROJECT_ID, session_id: BUSY, path: busy.path, reason: 'busy' },
    ]);
    expect(res.failed).toEqual([]);
    expect(existsSync(orphan.path)).toBe(false);
    expect(existsSync(archived.path)).toBe(false);
    expect(existsSync(`${orphan.path}.boocode.json`)).toBe(false);
    expect(existsSync(live.path) && existsSync(busy.path)).toBe(true);
    const list = sh(fx.project, ['worktree', 'list', '--porcelain']);
    expect(list).toContain(live.path);
    expect(list).toContain(busy.path);
    expect(list).not.toContain(orphan.path);
    expect(list).not.toContain(archived.path);
    // Branches survive: they may hold the only copy of committed work.
    expect(sh(fx.project, ['branch', '--list', orphan.branch!])).toContain(orphan.branch!);
  });

  it('cleans up a half-created worktree whose directory is broken or missing', async () => {
    fx = makeProject();
    const wt = await create(ORPHAN);
    // A crash in the middle of `git worktree add`: directory gone, git still has its record.
    rmSync(wt.path, { recursive: true, force: true });
    // And a directory with no git record nor sidecar at all.
    const stray = worktreePathFor(fx.home, PROJECT_ID, ARCHIVED);
    mkdirSync(stray, { recursive: true });
    writeFileSync(path.join(stray, 'junk.txt'), 'x');

    const res = await reapWorktrees({ home: fx.home, live: new Set(), busy: new Set() });
    expect(res.removed.map((r) => r.session_id).sort()).toEqual([ORPHAN, ARCHIVED].sort());
    expect(existsSync(stray)).toBe(false);
    expect(sh(fx.project, ['worktree', 'list', '--porcelain'])).not.toContain(wt.path);
    // The emptied project directory is gone too.
    expect(readdirSync(path.join(fx.home, 'worktrees'))).toEqual([]);
  });

  it('reaps a worktree whose project repository was deleted', async () => {
    fx = makeProject();
    const wt = await create(ORPHAN);
    rmSync(fx.project, { recursive: true, force: true });
    const res = await reapWorktrees({ home: fx.home, live: new Set(), busy: new Set() });
    expect(res.removed.map((r) => r.session_id)).toEqual([ORPHAN]);
    expect(existsSync(wt.path)).toBe(false);
  });

  it('does nothing when there is no worktrees directory yet', async () => {
    fx = makeProject();
    expect(await reapWorktrees({ home: fx.home, live: new Set(), busy: new Set() })).toEqual({
      removed: [],
      kept: [],
      failed: [],
    });
  });
});
