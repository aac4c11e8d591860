import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { globTool, grepTool, runTool, type ToolContext } from '@boocode/agents';
import { errorOf, makeRepo, outputOf, type TempRepo } from './repo.js';

let repo: TempRepo;
let ctx: ToolContext;
beforeEach(async () => {
  repo = await makeRepo({
    'src/b.ts': 'function Hello() {}\nconst x = 1;\n',
    'src/nested/c.js': 'hello world\n',
    'node_modules/dep/index.ts': 'function Hello() {}\n',
    '.hidden.ts': 'const hidden = true;\n',
  });
  await writeFile(path.join(repo.outside, 'out.ts'), 'function Hello() {}\n');
  await symlink(repo.outside, path.join(repo.root, 'outdir'));
  await symlink(path.join(repo.outside, 'out.ts'), path.join(repo.root, 'leak.ts'));
  ctx = { root: repo.root, env: process.env };
});
afterEach(() => repo.cleanup());

describe('glob', () => {
  it('finds files relative to the root, skipping node_modules and symlinks (which could lead out)', async () => {
    expect(outputOf(await runTool(globTool, { pattern: '**/*.ts' }, ctx)).split('\n')).toEqual([
      '.hidden.ts',
      'src/a.ts',
      'src/b.ts',
    ]);
    expect(outputOf(await runTool(globTool, { pattern: '*.js', path: 'src/nested' }, ctx))).toBe('src/nested/c.js');
    expect(outputOf(await runTool(globTool, { pattern: '**/*.rs' }, ctx))).toContain('No files match');
  });

  it('refuses patterns and paths that reach outside', async () => {
    expect(errorOf(await runTool(globTool, { pattern: '../outside/*' }, ctx))).toContain('".."');
    expect(errorOf(await runTool(globTool, { pattern: '/etc/*' }, ctx))).toContain('absolute');
    expect(errorOf(await runTool(globTool, { pattern: '*', path: '..' }, ctx))).toContain('outside the project root');
    expect(errorOf(await runTool(globTool, { pattern: '*', path: 'outdir' }, ctx))).toContain('outside the project root');
  });
});

describe('grep', () => {
  it('finds matching lines with file and line number, honouring include and ignore_case', async () => {
    expect(outputOf(await runTool(grepTool, { pattern: 'function\\s+Hello' }, ctx))).toBe('src/b.ts:1: function Hello() {}');
    expect(outputOf(await runTool(grepTool, { pattern: 'hello', ignore_case: true, include: '**/*.js' }, ctx))).toBe(
      'src/nested/c.js:1: hello world',
    );
    expect(outputOf(await runTool(grepTool, { pattern: 'const', path: 'src/b.ts' }, ctx))).toBe('src/b.ts:2: const x = 1;');
    expect(outputOf(await runTool(grepTool, { pattern: 'zzz_nothing' }, ctx))).toContain('No matches');
  });

  it('stops at max_matches and says so', async () => {
    await writeFile(path.join(repo.root, 'many.txt'), 'hit\n'.repeat(50));
    const out = outputOf(await runTool(grepTool, { pattern: 'hit', path: 'many.txt', max_matches: 3 }, ctx));
    expect(out.split('\n')).toHaveLength(4);
    expect(out).toContain('stopped at 3 matches');
  });

  it('refuses invalid and over-long patterns and paths outside the root', async () => {
    expect(errorOf(await runTool(grepTool, { pattern: '(unclosed' }, ctx))).toContain('Invalid regular expression');
    expect(errorOf(await runTool(grepTool, { pattern: 'a'.repeat(501) }, ctx))).toContain('Invalid input for grep');
    expect(errorOf(await runTool(grepTool, { pattern: 'Hello', path: '../outside' }, ctx))).toContain('outside the project root');
    expect(errorOf(await runTool(grepTool, { pattern: 'Hello', path: 'outdir' }, ctx))).toContain('outside the project root');
    expect(errorOf(await runTool(grepTool, { pattern: 'Hello', include: '../**' }, ctx))).toContain('".."');
  });

  it('kills a catastrophically backtracking search at its time bound and reports it', async () => {
    await mkdir(path.join(repo.root, 'evil'));
    await writeFile(path.join(repo.root, 'evil/input.txt'), `${'a'.repeat(40)}!\n`);
    const out = await runTool(grepTool, { pattern: '(a+)+$', path: 'evil' }, { ...ctx, limits: { grepTimeoutMs: 300 } });
    expect(errorOf(out)).toContain('timed out after 300 ms');
    // The killed worker is replaced: the next searches work, also several at once.
    const again = await Promise.all([1, 2, 3].map(() => runTool(grepTool, { pattern: 'Hello', path: 'src' }, ctx)));
    expect(again.map(outputOf)).toEqual(Array(3).fill('src/b.ts:1: function Hello() {}'));
  });

  it('stops when the turn is cancelled', async () => {
    await writeFile(path.join(repo.root, 'evil.txt'), `${'a'.repeat(40)}!\n`);
    const ac = new AbortController();
    const pending = runTool(grepTool, { pattern: '(a+)+$', path: 'evil.txt' }, { ...ctx, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect(errorOf(await pending)).toContain('cancelled');
  });
});
