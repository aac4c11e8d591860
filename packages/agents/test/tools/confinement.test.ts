import { link, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editFileTool, globTool, grepTool, listDirTool, readFileTool, runTool, writeFileTool, type ToolContext } from '@boocode/agents';
import { errorOf, makeRepo, outputOf, type TempRepo } from './repo.js';

/** The three holes found from outside: a symlinked folder in a glob, and a hard link read and written. */

let repo: TempRepo;
let ctx: ToolContext;
beforeEach(async () => {
  repo = await makeRepo();
  await writeFile(path.join(repo.outside, 'other.txt'), 'OUTSIDE CONTENT\n');
  await symlink(repo.outside, path.join(repo.root, 'link_dir'));
  await link(path.join(repo.outside, 'secret.txt'), path.join(repo.root, 'hard.txt'));
  ctx = { root: repo.root, env: process.env };
});
afterEach(() => repo.cleanup());

describe('file tools never reach outside the worktree', () => {
  it('glob does not list a folder outside through a symlinked directory', async () => {
    for (const pattern of ['link_dir/*', 'link_dir/**', '**/*.txt', 'link_*/*.txt']) {
      const out = outputOf(await runTool(globTool, { pattern }, ctx));
      expect(out).not.toContain('other.txt');
      expect(out).not.toContain('secret.txt');
    }
  });

  it('grep does not search through a symlinked directory', async () => {
    for (const include of [undefined, 'link_dir/*', 'link_dir/**']) {
      const out = outputOf(await runTool(grepTool, { pattern: 'OUTSIDE|SECRET', include }, ctx));
      expect(out).toContain('No matches');
    }
    expect(errorOf(await runTool(grepTool, { pattern: 'x', path: 'link_dir' }, ctx))).toContain('outside the project root');
  });

  it('list_dir does not list a symlinked directory outside', async () => {
    expect(errorOf(await runTool(listDirTool, { path: 'link_dir' }, ctx))).toContain('outside the project root');
    expect(outputOf(await runTool(listDirTool, {}, ctx))).toContain('link_dir@');
  });

  it('read_file and grep refuse a hard link to an outside file', async () => {
    expect(errorOf(await runTool(readFileTool, { path: 'hard.txt' }, ctx))).toContain('other hard links');
    expect(errorOf(await runTool(grepTool, { pattern: 'SECRET', path: 'hard.txt' }, ctx))).toContain('other hard links');
    expect(outputOf(await runTool(grepTool, { pattern: 'SECRET' }, ctx))).toContain('No matches');
  });

  it('write_file and edit_file leave the outside file of a hard link untouched', async () => {
    expect(errorOf(await runTool(writeFileTool, { path: 'hard.txt', content: 'overwritten\n' }, ctx))).toContain('other hard links');
    expect(errorOf(await runTool(editFileTool, { path: 'hard.txt', old_string: 'TOP', new_string: 'LOW' }, ctx))).toContain('other hard links');
    expect(await readFile(path.join(repo.outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET\n');
  });
});
