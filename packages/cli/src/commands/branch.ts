import type { Command } from 'commander';
import { alreadyOpenPullRequest, pullRequestFrom, type ActionAvailability, type PushBody, type PushResult } from '@boocode/contracts';
import { clientCommand, type ClientOptions } from '../command.js';
import { connect } from '../connection.js';
import { usageError } from '../exit-codes.js';
import { shortId } from '../ids.js';
import { sessionPrompts } from '../logs/session-history.js';
import type { Paint } from '../output/color.js';
import { outputMode, printResult } from '../output/format.js';
import { renderFields } from '../output/table.js';
import { progress } from '../turns/progress.js';
import { sessionArg, sessionOf } from './review.js';

const commits = (n: number) => `${n} commit${n === 1 ? '' : 's'}`;

/** "yes", or "no: <the server's reason>". */
const offered = (a: ActionAvailability, paint: Paint) => (a.available ? paint.green('yes') : `${paint.dim('no:')} ${a.reason ?? 'not offered'}`);

/** The pull request a push opened, or the one it found already open (not an error: the push went through). */
function pullRequestLine(r: PushResult): string {
  if (r.existing_pull_request) return `${alreadyOpenPullRequest(r.existing_pull_request)}: ${r.existing_pull_request.url}\n`;
  return r.pull_request_url ? `pull request: ${r.pull_request_url}\n` : '';
}

export function registerBranch(program: Command): void {
  clientCommand(
    program
      .command('branch')
      .description('where the session branch stands: commits behind and ahead of its base branch, its remote, and whether it can be updated, pushed or proposed')
      .argument(...sessionArg),
    ['boocode branch 1a2b3c4d', 'boocode branch 1a2b --json'],
  ).action(async (text: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const session = await sessionOf(api, text);
    const st = await api.call('getSessionBranch', { params: { id: session.id } });
    await printResult(mode, {
      data: st,
      human: (paint) =>
        renderFields(
          [
            ['branch', st.branch ?? paint.dim('none (the session works in the project directory, or has no worktree yet)')],
            ['base', st.base_branch ?? paint.dim('none (the project is on a detached HEAD)')],
            ['behind', st.behind > 0 ? paint.yellow(commits(st.behind)) : '0'],
            ['ahead', st.ahead > 0 ? commits(st.ahead) : '0'],
            ['remote', st.remote ?? paint.dim('none')],
            ['update', offered(st.update, paint)],
            ['push', offered(st.push, paint)],
            ['pull request', offered(st.pull_request, paint)],
            ...(st.open_pull_request ? [['open pull request', `#${st.open_pull_request.number} ${st.open_pull_request.url}`] as [string, string]] : []),
          ],
          paint,
        ),
      ids: () => (st.branch ? [st.branch] : []),
    });
  });

  clientCommand(
    program
      .command('update')
      .description('merge the new commits of the base branch into the session branch; on a conflict or an uncommitted file in the way nothing changes (exit 4, the files named)')
      .argument(...sessionArg),
    ['boocode update 1a2b3c4d', 'boocode update 1a2b --json'],
  ).action(async (text: string, opts: ClientOptions) => {
    const mode = outputMode(opts);
    const { api } = await connect(opts);
    const session = await sessionOf(api, text);
    if (mode !== 'quiet') {
      const st = await api.call('getSessionBranch', { params: { id: session.id } });
      progress(`merging ${st.base_branch ?? 'the base branch'} into ${st.branch ?? `the branch of session ${shortId(session.id)}`}…`);
    }
    const r = await api.call('updateFromBase', { params: { id: session.id } });
    await printResult(mode, {
      data: r,
      human: () =>
        r.status === 'updated'
          ? `updated: ${commits(r.merged_commits)} of ${r.base_branch} merged into the session branch (now at ${r.commit.slice(0, 12)})\n`
          : `already up to date with ${r.base_branch}\n`,
      ids: () => [r.commit],
    });
  });

  clientCommand(
    program
      .command('push')
      .description("push the session branch to the project's remote; with --pr also open a pull request into its base branch with gh")
      .argument(...sessionArg)
      .option('-m, --message <message>', "commit the worktree's uncommitted changes first, with this message")
      .option('--pr', 'also open a pull request into the base branch (needs gh on the server)')
      .option('--title <title>', "pull request title (with --pr; default: the session's first request)")
      .option('--body <body>', "pull request description (with --pr; default: the session's requests as a list)"),
    ['boocode push 1a2b3c4d', 'boocode push 1a2b -m "Add the --verbose flag" --pr', 'boocode push 1a2b --pr --title "Add --verbose" --body "Asked by the release team"'],
  ).action(async (text: string, opts: ClientOptions & { message?: string; pr?: boolean; title?: string; body?: string }) => {
    const mode = outputMode(opts);
    if (!opts.pr && (opts.title !== undefined || opts.body !== undefined)) throw usageError('--title and --body are for the pull request: add --pr');
    if (opts.title !== undefined && !opts.title.trim()) throw usageError('--title must not be empty');
    const { api } = await connect(opts);
    const session = await sessionOf(api, text);
    let pullRequest: PushBody['pull_request'];
    if (opts.pr) {
      const generated = opts.title !== undefined && opts.body !== undefined ? null : pullRequestFrom(await sessionPrompts(api, session.id));
      pullRequest = { title: opts.title ?? generated!.title, body: opts.body ?? generated!.body };
    }
    const st = await api.call('getSessionBranch', { params: { id: session.id } });
    if (mode !== 'quiet' && st.branch && st.remote) {
      progress(`pushing ${st.branch} to ${st.remote}${pullRequest ? ` and opening a pull request into ${st.base_branch ?? 'the base branch'} with gh` : ''}…`);
    }
    const r = await api.call('pushSession', {
      params: { id: session.id },
      body: { ...(opts.message ? { commit_pending: true, message: opts.message } : {}), ...(pullRequest ? { pull_request: pullRequest } : {}) },
    });
    if (r.uncommitted_files.length && mode !== 'quiet') {
      process.stderr.write(`not pushed, left uncommitted in the worktree: ${r.uncommitted_files.join(', ')} (commit them with -m)\n`);
    }
    await printResult(mode, {
      data: r,
      human: () => `pushed ${r.branch} to ${r.remote} (${r.commit.slice(0, 12)})\n${pullRequestLine(r)}`,
      ids: () => [r.pull_request_url ?? r.commit],
    });
  });
}
