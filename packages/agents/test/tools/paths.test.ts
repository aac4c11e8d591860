import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveInRoot } from '@boocode/agents';
import { writeNoFollow } from '../../src/paths.js';
import { makeRepo, type TempRepo } from './repo.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeRepo();
});
afterEach(() => repo.cleanup());

describe('resolveInRoot', () => {
  it('resolves relative and inside-absolute paths, including ones that do not exist yet', async () => {
    expect(await resolveInRoot(repo.root, 'src/a.ts')).toEqual({ ok: true, abs: path.join(repo.root, 'src/a.ts'), rel: 'src/a.ts' });
    expect(await resolveInRoot(repo.root, path.join(repo.root, 'README.md'))).toMatchObject({ ok: true, rel: 'README.md' });
    expect(await resolveInRoot(repo.root, 'new/dir/file.txt')).toMatchObject({ ok: true, rel: 'new/dir/file.txt' });
    expect(await resolveInRoot(repo.root, 'src/../README.md')).toMatchObject({ ok: true, rel: 'README.md' });
    expect(await resolveInRoot(repo.root, '.')).toMatchObject({ ok: true, abs: repo.root, rel: '.' });
  });

  it('refuses ../, absolute paths outside and NUL bytes', async () => {
    for (const p of ['../outside/secret.txt', '..', '/etc/passwd', path.join(repo.outside, 'secret.txt'), 'src/../../x']) {
      const r = await resolveInRoot(repo.root, p);
      expect(r.ok, p).toBe(false);
      if (!r.ok) expect(r.error).toContain('outside the project root');
    }
    expect((await resolveInRoot(repo.root, 'a\0b')).ok).toBe(false);
  });

  it('refuses symlinks leading out (file, directory, dangling) but follows ones that stay inside', async () => {
    await symlink(path.join(repo.outside, 'secret.txt'), path.join(repo.root, 'leak.txt'));
    await symlink(repo.outside, path.join(repo.root, 'outdir'));
    await symlink(path.join(repo.root, 'nope'), path.join(repo.root, 'dangling'));
    await mkdir(path.join(repo.root, 'real'));
    await writeFile(path.join(repo.root, 'real/f.txt'), 'x');
    await symlink(path.join(repo.root, 'real'), path.join(repo.root, 'alias'));
    expect((await resolveInRoot(repo.root, 'leak.txt')).ok).toBe(false);
    expect((await resolveInRoot(repo.root, 'outdir/secret.txt')).ok).toBe(false);
    expect((await resolveInRoot(repo.root, 'outdir/new-file.txt')).ok).toBe(false);
    expect((await resolveInRoot(repo.root, 'dangling')).ok).toBe(false);
    expect(await resolveInRoot(repo.root, 'alias/f.txt')).toMatchObject({ ok: true, rel: 'real/f.txt' });
    // Not following the last link: the link itself is addressed, but only if its target is inside.
    expect(await resolveInRoot(repo.root, 'alias', { followLast: false })).toMatchObject({ ok: true, rel: 'alias' });
    expect((await resolveInRoot(repo.root, 'leak.txt', { followLast: false })).ok).toBe(false);
  });
});

describe('writeNoFollow', () => {
  it('creates and overwrites regular files but never writes through a symlink', async () => {
    await writeNoFollow(path.join(repo.root, 'new.txt'), 'one');
    await writeNoFollow(path.join(repo.root, 'new.txt'), 'two');
    expect(await readFile(path.join(repo.root, 'new.txt'), 'utf8')).toBe('two');
    // A link planted after resolveInRoot checked the path (here: a dangling one leading out).
    await symlink(path.join(repo.outside, 'planted.txt'), path.join(repo.root, 'late-link'));
    await expect(writeNoFollow(path.join(repo.root, 'late-link'), 'x')).rejects.toMatchObject({ code: 'ELOOP' });
    await expect(readFile(path.join(repo.outside, 'planted.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
