import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { runCli } from '@boocode/testkit/server';
import { buildProgram } from '../src/program.js';

/** Every command under the program, with its words (`project add`). */
function commands(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  return cmd.commands.flatMap((c) => [{ path: [...path, c.name()].join(' '), cmd: c }, ...commands(c, [...path, c.name()])]);
}

/** What `--help` prints, the text added after it included. */
function helpOf(cmd: Command): string {
  let out = '';
  cmd.configureOutput({ writeOut: (s) => (out += s) });
  cmd.outputHelp();
  return out;
}

const all = commands(buildProgram()).filter((c) => c.path !== 'help');
/**
 * Commands that talk to a server and print a result (not serve, worker, completion or mcp, not the
 * groups; nor `terminal attach`, which hands this terminal over to the remote one).
 */
const clientCommands = all.filter((c) => !['serve', 'worker', 'completion', 'mcp', 'project', 'agents', 'token', 'workflow', 'terminal', 'terminal attach'].includes(c.path));

describe('the command tree', () => {
  it('has the commands of the issue', () => {
    expect(all.map((c) => c.path).sort()).toEqual(
      [
        'serve', 'worker', 'status', 'login-url', 'project', 'project add', 'project ls', 'project rm', 'run', 'send', 'wait', 'stop', 'logs', 'ls', 'inspect',
        'archive', 'rename', 'permit', 'permit ls', 'diff', 'apply', 'reject', 'commit', 'merge', 'collisions', 'branch', 'update', 'push', 'agents', 'agents ls', 'agents models', 'completion', 'token', 'token rotate', 'mcp',
        'workflow', 'workflow ls', 'workflow run', 'workflow resume', 'workflow status', 'workflow cancel', 'workflow logs',
        'terminal', 'terminal ls', 'terminal new', 'terminal attach', 'terminal send', 'terminal capture', 'terminal search', 'terminal rename', 'terminal kill',
      ].sort(),
    );
  });

  it.each(all.map((c) => [c.path, c.cmd] as const))('boocode %s --help lists every option and an example', (path, cmd) => {
    const help = helpOf(cmd);
    for (const o of cmd.options) expect(help, o.flags).toContain(o.flags);
    expect(help).toContain(`\nExamples:\n  $ `);
    expect(help).toMatch(new RegExp(`\\$ (source <\\()?boocode ${path.split(' ')[0]}`));
  });

  it.each(clientCommands.map((c) => [c.path, c.cmd] as const))('boocode %s takes the output and connection options', (_path, cmd) => {
    const flags = cmd.options.map((o) => o.flags);
    expect(flags).toEqual(expect.arrayContaining(['-o, --output <format>', '--json', '-q, --quiet', '--url <url>', '--token <token>', '--home <dir>']));
  });

  it('a command line builds the group of the command it names, which holds that command', () => {
    for (const c of all.filter((x) => !x.path.includes(' '))) {
      const tree = buildProgram(['node', 'boocode', c.path, '--json']);
      expect(tree.commands.map((x) => x.name()), c.path).toContain(c.path);
      if (c.path !== 'completion') expect(tree.commands.length, c.path).toBeLessThan(all.length / 2);
    }
    expect(buildProgram(['node', 'boocode', '--version']).commands).toEqual([]);
    expect(buildProgram(['node', 'boocode', '--help']).commands.length).toBe(buildProgram().commands.length);
  });

  it('the built binary prints the same help, exit 0', async () => {
    const run = await runCli(['merge', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(helpOf(all.find((c) => c.path === 'merge')!.cmd));
    const root = await runCli(['--help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toContain('Exit codes: 0 success, 1 failure, 2 usage, 3 not found, 4 conflict or refused,');
  });
});
