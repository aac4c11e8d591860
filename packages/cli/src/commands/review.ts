import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import type { ApiClient } from '@boocode/client';
import type { Session } from '@boocode/contracts';
import { clientCommand, type ClientOptions } from '../command.js';
import { connect } from '../connection.js';
import { CliError, ExitCode, usageError } from '../exit-codes.js';
import { resolve, shortId } from '../ids.js';
import type { Paint } from '../output/color.js';
import { outputMode, printResult } from '../output/format.js';
import { renderTable } from '../output/table.js';
import { projectOrCurrent } from '../projects.js';

/** A unified diff coloured as git colours it; uncoloured when `paint` is off, so it still applies. */
function colourPatch(patch: string, paint: Paint): string {
  if (!paint.enabled) return patch;
  return patch
    .split('\n')
    .map((l) => {
      if (/^(diff --git|index |--- |\+\+\+ |new file|deleted file|similarity|rename |old mode|new mode)/.test(l)) return paint.bold(l);
      if (l.startsWith('@@')) return paint.cyan(l);
      if (l.startsWith('+')) return paint.green(l);
      if (l.startsWith('-')) return paint.red(l);
      return l;
    })
    .join('\n');
}

export async function sessionOf(api: ApiClient, text: string): Promise<Session> {
  return api.call('getSession', { params: { id: await resolve(api, text, 'session') } });
}

/** The branch a session merges into by default: its base branch, else the project's checked-out branch. */
async function defaultTarget(api: ApiClient, session: Session): Promise<string> {
  if (session.base_branch) return session.base_branch;
  const project = await api.call('getProject', { params: { id: session.project_id } });
  try {
    const { stdout } = await promisify(execFile)('git', ['symbolic-ref', '--short', '-q', 'HEAD'], { cwd: project.path });
    if (stdout.trim()) return stdout.trim();
  } catch {
    // The project is not on this machine, or not on a branch: the user names the target.
  }
  throw usageError(`cannot tell which branch ${project.path} is on: give --into <branch>`);
}

export const sessionArg = ['<session>', 'session id or a unique start of it'] as const;

export function registerReview(program: Command): void {
  clientCommand(
    program
      .command('diff')
      .description("the session's changes against its base commit: coloured at a terminal, a plain patch when piped (| git apply)")
      .argument(...sessionArg)
      .option('--stat', 'list the changed files with their line counts instead of the patch'),
    ['boocode diff 1a2b3c4d', 'boocode diff 1a2b | git apply', 'boocode diff 1a2b --stat'],
  ).action(async (text: string, opts: ClientOptions & { stat?: boolean }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const session = await sessionOf(api, text);
    const diff = await api.call('getSessionDiff', { params: { id: session.id } });
    if (!diff) throw new CliError(ExitCode.Refused, `session ${shortId(session.id)} has no worktree yet: it gets one with its first turn`);
    await printResult(mode, {
      data: diff,
      human: (paint) =>
        opts.stat
          ? renderTable(
              diff.files,
              [
                ['STATUS', (f) => f.status],
                ['+', (f) => (f.binary ? '-' : String(f.additions))],
                ['-', (f) => (f.binary ? '-' : String(f.deletions))],
                ['FILE', (f) => (f.old_path ? `${f.old_path} -> ${f.path}` : f.path)],
              ],
              paint,
            ) + `${diff.stats.files} file(s), +${diff.stats.additions} -${diff.stats.deletions}\n`
          : colourPatch(diff.patch, paint),
      ids: () => diff.files.map((f) => f.path),
    });
  });

  clientCommand(
    program
      .command('apply')
      .description("apply the session's pending change to the project's working tree (all or nothing)")
      .argument(...sessionArg),
    ['boocode apply 1a2b3c4d'],
  ).action(async (text: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const session = await sessionOf(api, text);
    const r = await api.call('applyChange', { params: { id: session.id }, body: {} });
    await printResult(mode, { data: r, human: () => `applied ${r.files.length} file(s): ${r.files.join(', ')}\n`, ids: () => r.files });
  });

  clientCommand(
    program
      .command('reject')
      .description("reject the session's pending change: its worktree goes back to the base commit")
      .argument(...sessionArg),
    ['boocode reject 1a2b3c4d'],
  ).action(async (text: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const session = await sessionOf(api, text);
    const r = await api.call('rejectChange', { params: { id: session.id }, body: {} });
    await printResult(mode, { data: r, human: () => `rejected: the worktree is back at ${r.base_commit.slice(0, 12)}\n`, ids: () => [r.base_commit] });
  });

  clientCommand(
    program
      .command('commit')
      .description("commit everything in the session's worktree on its branch")
      .argument(...sessionArg)
      .requiredOption('-m, --message <message>', 'commit message'),
    ['boocode commit 1a2b3c4d -m "Add the --verbose flag"'],
  ).action(async (text: string, opts: ClientOptions & { message: string }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const session = await sessionOf(api, text);
    const r = await api.call('commitSession', { params: { id: session.id }, body: { message: opts.message } });
    await printResult(mode, { data: r, human: () => `committed ${r.commit.slice(0, 12)}: ${r.files.length} file(s)\n`, ids: () => [r.commit] });
  });

  clientCommand(
    program
      .command('merge')
      .description('merge the session branch into a branch of the project; on a conflict nothing changes (exit 4, the files named)')
      .argument(...sessionArg)
      .option('--into <branch>', "target branch (default: the session's base branch, else the project's current branch)")
      .option('-m, --message <message>', "commit the worktree's uncommitted changes first, with this message"),
    ['boocode merge 1a2b3c4d', 'boocode merge 1a2b --into release -m "Add the --verbose flag"'],
  ).action(async (text: string, opts: ClientOptions & { into?: string; message?: string }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const session = await sessionOf(api, text);
    const target = opts.into ?? (await defaultTarget(api, session));
    const r = await api.call('mergeSession', {
      params: { id: session.id },
      body: { target_branch: target, ...(opts.message ? { commit_pending: true, message: opts.message } : {}) },
    });
    if (r.status === 'conflict') throw new CliError(ExitCode.Refused, `merging into ${r.target_branch} conflicts in: ${r.conflicts.join(', ')}; nothing was changed`);
    if (r.status === 'merged' && r.uncommitted_files.length && mode !== 'quiet') {
      process.stderr.write(`not merged, left uncommitted in the worktree: ${r.uncommitted_files.join(', ')} (commit them with -m)\n`);
    }
    await printResult(mode, {
      data: r,
      human: () =>
        r.status === 'merged'
          ? `merged into ${r.target_branch} (${r.fast_forward ? 'fast-forward' : 'merge commit'} ${r.commit.slice(0, 12)})\n`
          : `${r.target_branch} already has these changes\n`,
      ids: () => [r.commit],
    });
  });

  clientCommand(
    program
      .command('collisions')
      .description("pending changes of a project's open sessions that touch the same files")
      .option('--project <project>', 'project (id, name or path; default: the one holding the current directory)'),
    ['boocode collisions', 'boocode collisions --project app --json'],
  ).action(async (opts: ClientOptions & { project?: string }) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const project = await projectOrCurrent(api, opts.project);
    const r = await api.call('getProjectCollisions', { params: { id: project.id } });
    const paintSeverity = (paint: Paint, s: string) => (s === 'same_line' ? paint.red(s) : s === 'adjacent_line' ? paint.yellow(s) : s);
    await printResult(mode, {
      data: r,
      human: (paint) =>
        r.collisions.length === 0
          ? 'no collisions\n'
          : renderTable(
              r.collisions,
              [
                ['FILE', (c) => c.file],
                ['SESSION', (c) => shortId(c.session_id)],
                ['OTHER', (c) => shortId(c.other_session_id)],
                ['SEVERITY', (c) => paintSeverity(paint, c.severity)],
              ],
              paint,
            ),
      ids: () => [...new Set(r.collisions.map((c) => c.session_id))],
    });
  });
}
