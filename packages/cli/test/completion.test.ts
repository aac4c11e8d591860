import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@boocode/testkit/server';

const sh = promisify(execFile);
let dir: string;
const scripts: Record<string, string> = {};

/** Each shell's script as `boocode completion <shell>` prints it, in a file to source. */
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'boocode-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const run = await runCli(['completion', shell]);
    expect(run.code).toBe(0);
    scripts[shell] = path.join(dir, `boocode.${shell}`);
    await writeFile(scripts[shell], run.stdout);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** What bash offers for the words typed so far (the last one being completed). */
async function bash(words: string[]): Promise<string[]> {
  const program = `source ${scripts.bash}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _boocode; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return (await sh('bash', ['-c', program])).stdout.split('\n').filter(Boolean).sort();
}

/** zsh's completion functions replaced by ones that print what they are given. */
async function zsh(words: string[]): Promise<string[]> {
  const stubs = [
    'compdef() { :; }',
    '_describe() { print -l -- "${(@P)4}"; }',
    'compadd() { shift; print -l -- "$@"; }',
    '_files() { print -- _files; }',
  ].join('\n');
  const program = `${stubs}\nsource ${scripts.zsh}\nwords=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _boocode`;
  return (await sh('zsh', ['-c', program])).stdout.split('\n').filter(Boolean).map((l) => l.split(':')[0]!).sort();
}

async function fish(line: string): Promise<string[]> {
  return (await sh('fish', ['-c', `source ${scripts.fish}; complete -C '${line}'`])).stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]!).sort();
}

describe('boocode completion', () => {
  it('bash completes commands, subcommands, options and their choices', async () => {
    expect(await bash(['boocode', 'pro'])).toEqual(['project']);
    expect(await bash(['boocode', 'project', ''])).toEqual(['--help', '-h', 'add', 'ls', 'rm']);
    expect(await bash(['boocode', 'permit', 'ls', '--s'])).toEqual(['--session', '--status']);
    expect(await bash(['boocode', 'ls', '--status', ''])).toEqual(['all', 'archived', 'open']);
    expect(await bash(['boocode', 'run', '--po'])).toEqual(['--policy']);
    expect(await bash(['boocode', 'run', '--policy', 'allow_'])).toEqual(['allow_all', 'allow_edits']);
    expect(await bash(['boocode', 'completion', ''])).toEqual(['--help', '-h']);
  });

  it('zsh completes commands, subcommands, options and their choices', async () => {
    expect(await zsh(['boocode', 'project', ''])).toEqual(['add', 'ls', 'rm']);
    expect(await zsh(['boocode', 'logs', '-'])).toEqual(
      ['--cancel-on-interrupt', '--follow', '--help', '--home', '--json', '--keep', '--output', '--quiet', '--since', '--token', '--url', '-f', '-h', '-o', '-q'].sort(),
    );
    expect(await zsh(['boocode', 'ls', '-o', ''])).toEqual(['json', 'table', 'yaml']);
    expect(await zsh(['boocode', 'run', '--image', ''])).toEqual(['_files']);
  });

  it('fish completes commands, subcommands, options and their choices', async () => {
    expect(await fish('boocode agents ')).toEqual(['ls', 'models']);
    expect(await fish('boocode merge --in')).toEqual(['--into']);
    expect(await fish('boocode permit ls --status ')).toEqual(['answered', 'cancelled', 'pending']);
    expect((await fish('boocode ')).length).toBeGreaterThan(20);
  });

  it('refuses a shell it does not know (exit 2)', async () => {
    const run = await runCli(['completion', 'tcsh']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.");
  });
});
