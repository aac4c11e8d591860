import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deleteFileTool,
  editFileTool,
  listDirTool,
  readFileTool,
  runTool,
  writeFileTool,
  type ToolContext,
} from '@boocode/agents';
import { errorOf, makeRepo, outputOf, type TempRepo } from './repo.js';

let repo: TempRepo;
let ctx: ToolContext;
beforeEach(async () => {
  repo = await makeRepo({ 'src/dup.ts': 'x = 1;\nx = 1;\n', 'bin.dat': 'ab\0cd' });
  await symlink(path.join(repo.outside, 'secret.txt'), path.join(repo.root, 'leak.txt'));
  await symlink(repo.outside, path.join(repo.root, 'outdir'));
  ctx = { root: repo.root, env: process.env };
});
afterEach(() => repo.cleanup());

const ESCAPES = (r: TempRepo) => ['../outside/secret.txt', path.join(r.outside, 'secret.txt'), 'leak.txt', 'outdir/secret.txt'];

describe('read_file', () => {
  it('reads with line numbers and honours a line range', async () => {
    await writeFile(path.join(repo.root, 'long.txt'), Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n'));
    expect(outputOf(await runTool(readFileTool, { path: 'src/a.ts' }, ctx))).toBe('1\texport const a = 1;\n2\texport const b = 2;\n');
    const part = outputOf(await runTool(readFileTool, { path: 'long.txt', offset: 3, limit: 2 }, ctx));
    expect(part).toBe('3\tline 3\n4\tline 4\n[6 more lines; continue with offset=5]\n');
  });

  it('refuses escapes, missing files, directories and binary files with clear errors', async () => {
    for (const p of ESCAPES(repo)) {
      expect(errorOf(await runTool(readFileTool, { path: p }, ctx))).toContain('outside the project root');
    }
    expect(errorOf(await runTool(readFileTool, { path: 'nope.txt' }, ctx))).toContain('File not found');
    expect(errorOf(await runTool(readFileTool, { path: 'src' }, ctx))).toContain('is a directory');
    expect(errorOf(await runTool(readFileTool, { path: 'bin.dat' }, ctx))).toContain('binary');
    expect(errorOf(await runTool(readFileTool, { path: 'src/a.ts', offset: 50 }, ctx))).toContain('past the end');
  });

  it('turns invalid input into a tool error instead of throwing', async () => {
    expect(errorOf(await runTool(readFileTool, { path: 5 }, ctx))).toContain('Invalid input for read_file');
  });
});

describe('list_dir', () => {
  it('lists entries with directory and symlink markers', async () => {
    const out = outputOf(await runTool(listDirTool, {}, ctx)).split('\n');
    expect(out).toEqual(expect.arrayContaining(['.git/', 'README.md', 'src/', 'leak.txt@', 'outdir@', 'bin.dat']));
    expect(outputOf(await runTool(listDirTool, { path: 'src' }, ctx))).toBe('a.ts\ndup.ts');
  });

  it('refuses escapes and files', async () => {
    for (const p of ['..', '/', 'outdir']) {
      expect(errorOf(await runTool(listDirTool, { path: p }, ctx))).toContain('outside the project root');
    }
    expect(errorOf(await runTool(listDirTool, { path: 'README.md' }, ctx))).toContain('not a directory');
  });
});

describe('edit_file', () => {
  it('replaces a unique occurrence literally (no $& expansion)', async () => {
    outputOf(await runTool(editFileTool, { path: 'src/a.ts', old_string: 'b = 2', new_string: 'b = "$&"' }, ctx));
    expect(await readFile(path.join(repo.root, 'src/a.ts'), 'utf8')).toBe('export const a = 1;\nexport const b = "$&";\n');
  });

  it('refuses a not-unique edit without changing the file, and replaces all when asked', async () => {
    const err = errorOf(await runTool(editFileTool, { path: 'src/dup.ts', old_string: 'x = 1;', new_string: 'y' }, ctx));
    expect(err).toContain('occurs 2 times');
    expect(await readFile(path.join(repo.root, 'src/dup.ts'), 'utf8')).toBe('x = 1;\nx = 1;\n');
    expect(outputOf(await runTool(editFileTool, { path: 'src/dup.ts', old_string: 'x = 1;', new_string: 'y', replace_all: true }, ctx))).toContain(
      'replaced 2 occurrences',
    );
    expect(await readFile(path.join(repo.root, 'src/dup.ts'), 'utf8')).toBe('y\ny\n');
  });

  it('refuses text that is not found, missing files, escapes and .git', async () => {
    expect(errorOf(await runTool(editFileTool, { path: 'src/a.ts', old_string: 'nothing like this', new_string: 'x' }, ctx))).toContain(
      'not found',
    );
    expect(errorOf(await runTool(editFileTool, { path: 'missing.ts', old_string: 'a', new_string: 'b' }, ctx))).toContain('File not found');
    for (const p of ESCAPES(repo)) {
      expect(errorOf(await runTool(editFileTool, { path: p, old_string: 'TOP', new_string: 'x' }, ctx))).toContain('outside');
    }
    expect(await readFile(path.join(repo.outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET\n');
    expect(errorOf(await runTool(editFileTool, { path: '.git/HEAD', old_string: 'ref', new_string: 'x' }, ctx))).toContain('.git');
  });
});

describe('write_file', () => {
  it('creates nested files and overwrites existing ones', async () => {
    expect(outputOf(await runTool(writeFileTool, { path: 'new/deep/f.txt', content: 'hello' }, ctx))).toContain('Created new/deep/f.txt');
    expect(await readFile(path.join(repo.root, 'new/deep/f.txt'), 'utf8')).toBe('hello');
    expect(outputOf(await runTool(writeFileTool, { path: 'README.md', content: 'x' }, ctx))).toContain('Overwrote');
  });

  it('refuses ../, absolute paths outside, symlinks out, directories and .git', async () => {
    for (const p of ['../outside/new.txt', path.join(repo.outside, 'new.txt'), 'outdir/new.txt', 'leak.txt']) {
      expect(errorOf(await runTool(writeFileTool, { path: p, content: 'pwned' }, ctx))).toContain('outside the project root');
    }
    expect(existsSync(path.join(repo.outside, 'new.txt'))).toBe(false);
    expect(await readFile(path.join(repo.outside, 'secret.txt'), 'utf8')).toBe('TOP SECRET\n');
    expect(errorOf(await runTool(writeFileTool, { path: 'src', content: 'x' }, ctx))).toContain('is a directory');
    expect(errorOf(await runTool(writeFileTool, { path: '.git/config', content: 'x' }, ctx))).toContain('.git');
  });
});

describe('delete_file', () => {
  it('deletes a file, and a symlink without touching its target', async () => {
    await mkdir(path.join(repo.root, 'd'));
    await symlink(path.join(repo.root, 'README.md'), path.join(repo.root, 'd/link'));
    expect(outputOf(await runTool(deleteFileTool, { path: 'd/link' }, ctx))).toBe('Deleted d/link.');
    expect(existsSync(path.join(repo.root, 'README.md'))).toBe(true);
    expect(outputOf(await runTool(deleteFileTool, { path: 'src/a.ts' }, ctx))).toBe('Deleted src/a.ts.');
    expect(existsSync(path.join(repo.root, 'src/a.ts'))).toBe(false);
  });

  it('refuses escapes, symlinks out, directories, missing files and .git', async () => {
    for (const p of ESCAPES(repo)) {
      expect(errorOf(await runTool(deleteFileTool, { path: p }, ctx))).toContain('outside the project root');
    }
    expect(existsSync(path.join(repo.outside, 'secret.txt'))).toBe(true);
    expect(existsSync(path.join(repo.root, 'leak.txt'))).toBe(true);
    expect(errorOf(await runTool(deleteFileTool, { path: 'src' }, ctx))).toContain('is a directory');
    expect(errorOf(await runTool(deleteFileTool, { path: 'gone.txt' }, ctx))).toContain('File not found');
    expect(errorOf(await runTool(deleteFileTool, { path: '.git/HEAD' }, ctx))).toContain('.git');
  });
});
