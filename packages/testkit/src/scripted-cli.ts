import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Path of the scripted CLI: a stand-in for `aider --message`, `claude -p` and the like, run by
 * the terminal (pty) backend. `--prompt` holds its steps, separated by `;`:
 * - `say <text>`: prints the text in colour, as such CLIs do;
 * - `progress`: a progress bar redrawn in place with carriage returns;
 * - `write <file> <text>`: writes the file in the working directory;
 * - `wait-for <file>`: waits until the file exists (lets a test see output before the end);
 * - `grandchild <pidfile>`: starts a process in the background that ignores SIGHUP and SIGTERM, and
 *   writes its pid to the file;
 * - `exists <path>`: says whether the path exists (what a sandbox hides does not);
 * - `hang`: never ends on its own;
 * - `exit <code>`: ends with that code (default 0).
 * Every run first prints what it was given (`model`, `worktree`, `cwd`) and whether any of
 * BooCode's own variables reached it.
 */
export const scriptedCliBin: string = fileURLToPath(new URL('../bin/scripted-cli.js', import.meta.url));

const GREEN = '\x1b[1;32m';
const RESET = '\x1b[0m';

export async function runScriptedCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { prompt: { type: 'string' }, model: { type: 'string' }, worktree: { type: 'string' } } });
  const out = (s: string): void => void process.stdout.write(s);
  const leaked = Object.keys(process.env).filter((k) => k.startsWith('BOOCODE_') || k === 'DATABASE_URL');
  out(`${GREEN}scripted-cli${RESET} model=${values.model ?? '(none)'} worktree=${values.worktree ?? '(none)'} cwd=${process.cwd()}\n`);
  out(`boocode-vars: ${leaked.length ? leaked.join(',') : 'none'}\n`);
  let code = 0;
  for (const step of (values.prompt ?? '').split(';').map((s) => s.trim()).filter(Boolean)) {
    const [verb = '', ...rest] = step.split(' ');
    const arg = rest.join(' ');
    if (verb === 'say') out(`\x1b[36m${arg}\x1b[39m\n`);
    else if (verb === 'progress') {
      for (const pct of [10, 50, 100]) out(`\r\x1b[2Kprogress ${pct}%`);
      out('\n');
    } else if (verb === 'write') writeFileSync(rest[0]!, `${rest.slice(1).join(' ')}\n`);
    else if (verb === 'exists') out(`exists ${arg}: ${existsSync(arg) ? 'yes' : 'no'}\n`);
    else if (verb === 'wait-for') await until(() => existsSync(arg));
    else if (verb === 'grandchild') {
      // Like `nohup cmd &`: only a signal to the whole process group, or SIGKILL, stops it. It
      // writes its pid itself once it ignores the others, so a test never signals it too early.
      const keepAlive =
        "process.on('SIGHUP', () => {}); process.on('SIGTERM', () => {}); require('node:fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)";
      const child = spawn(process.execPath, ['-e', keepAlive, arg], { stdio: 'ignore' });
      child.unref();
      await until(() => existsSync(arg));
      out(`started ${child.pid}\n`);
    } else if (verb === 'hang') {
      out('hanging\n');
      await new Promise(() => setInterval(() => {}, 1_000));
    } else if (verb === 'exit') code = Number(arg);
    else out(`unknown step ${verb}\n`);
  }
  process.exitCode = code;
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}
