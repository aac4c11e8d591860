import type {
  ErrorCode,
  ApplyBody,
  ApplyResult,
  Collision,
  CommitBody,
  CommitResult,
  MergeBody,
  MergeResult,
  PendingChange,
  PullRequestRef,
  Project,
  PushBody,
  PushResult,
  RejectBody,
  RejectResult,
  Session,
  SessionBranchStatus,
  UpdateFromBaseResult,
} from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import type { Logger } from '../logger.js';
import { getSession } from '../db/sessions.js';
import { getProject } from '../db/projects.js';
import { DomainError, notFound } from '../errors.js';
import {
  applyPatch,
  commitWorktree,
  countCommits,
  findGh,
  findOpenPullRequest,
  ghLoggedIn,
  GitDomainError,
  inspectRepository,
  mergeSessionBranch,
  openPullRequest,
  pushBranch,
  pushRemote,
  rejectWorktree,
  uncommitted,
  updateFromBase,
} from '../git/index.js';
import { git } from '../git/exec.js';
import { tryResolveCommit } from '../git/repo.js';
import { withReviewLock, type WorktreeRow } from '../db/workspaces.js';
import { KeyedMutex } from './locks.js';
import type { Workspace } from './workspace.js';

interface Target {
  session: Session;
  project: Project;
  wt: WorktreeRow | null;
}

const conflict = (code: ErrorCode, message: string, details?: unknown) => new DomainError(code, message, details);

/**
 * The review actions on a session's change: apply to the project, reject, commit in the worktree,
 * merge the branch. Refusals are `DomainError`s (git's included). Actions of one project run one at
 * a time in this process (apply and merge both write the project), and none runs while a turn of the
 * session does: the agent would be writing to the worktree under them.
 */
export class Review {
  private readonly lock = new KeyedMutex();

  constructor(
    private readonly sql: Sql,
    private readonly workspace: Workspace,
    private readonly log: Logger,
  ) {}

  apply(sessionId: string, body: ApplyBody): Promise<ApplyResult> {
    return this.act(sessionId, async ({ session, project, wt }) => {
      if (wt && !wt.isolated) {
        throw conflict('not_isolated', 'the session works in the project directory itself: its changes are already there');
      }
      const change = await this.reviewable(session.id, body.change_id);
      const previously = await this.workspace.collisions(session.project_id);
      const result = await applyPatch({ projectPath: project.path, patch: change.patch });
      await this.finish(session, change, 'applied', previously);
      if (wt) {
        // Record what was applied on the session branch and diff later turns from there, so the
        // next pending change holds only new work and applies on top of this one.
        const applied = await commitWorktree({ worktreePath: wt.path, message: `boocode: change ${change.id} applied to the project` });
        await this.workspace.moveBase(session.id, applied.commit);
      }
      this.log.info({ session_id: session.id, change_id: change.id, files: result.files.length }, 'change applied to the project');
      return result;
    });
  }

  reject(sessionId: string, body: RejectBody): Promise<RejectResult> {
    return this.act(sessionId, async ({ session, wt }) => {
      if (!wt) throw conflict('no_worktree', 'the session has no worktree yet: nothing to reject');
      // An explicit id must still be the one under review; without one, a clean worktree resets too.
      const change = body.change_id ? await this.reviewable(session.id, body.change_id) : await this.workspace.pending(session.id);
      const previously = await this.workspace.collisions(session.project_id);
      const result = await rejectWorktree({ worktreePath: wt.path, baseCommit: wt.base_commit });
      if (change) await this.finish(session, change, 'rejected', previously);
      this.log.info({ session_id: session.id, change_id: change?.id ?? null }, 'session change rejected');
      return result;
    });
  }

  commit(sessionId: string, body: CommitBody): Promise<CommitResult> {
    return this.act(sessionId, async ({ session, wt }) => {
      if (!wt) throw conflict('no_worktree', 'the session has no worktree yet: nothing to commit');
      const before = await this.workspace.pending(session.id);
      const result = await commitWorktree({ worktreePath: wt.path, message: body.message });
      await this.refresh(session, before);
      this.log.info({ session_id: session.id, commit: result.commit, files: result.files.length }, 'session worktree committed');
      return result;
    });
  }

  merge(sessionId: string, body: MergeBody): Promise<MergeResult> {
    return this.act(sessionId, async ({ session, project, wt }) => {
      if (!wt) throw conflict('no_worktree', 'the session has no worktree yet: nothing to merge');
      if (!wt.isolated || !wt.branch) {
        throw conflict('not_isolated', 'the session works in the project directory itself: it has no branch of its own to merge');
      }
      const before = await this.workspace.pending(session.id);
      const previously = await this.workspace.collisions(session.project_id);
      let result: MergeResult;
      try {
        result = await mergeSessionBranch({
          projectPath: project.path,
          branch: wt.branch!,
          targetBranch: body.target_branch,
          worktreePath: wt.path,
          commitPending: body.commit_pending ?? false,
          ...(body.message !== undefined ? { message: body.message } : {}),
        });
      } finally {
        // With commit_pending the worktree's HEAD moved even when the merge itself was refused.
        if (body.commit_pending) await this.refresh(session, before);
      }
      this.log.info({ session_id: session.id, target: body.target_branch, status: result.status }, 'session branch merge');
      if (result.status === 'conflict') {
        throw conflict(
          'merge_conflict',
          `merging ${wt.branch} into ${result.target_branch} conflicts in ${result.conflicts.length} file(s): ${result.conflicts.join(', ')}; nothing was changed`,
          { files: result.conflicts, target_branch: result.target_branch },
        );
      }
      if (result.status === 'merged') {
        // The branch's commits are in the target now: later diffs start from the branch head.
        await this.workspace.moveBase(session.id, (await git(['rev-parse', 'HEAD'], { cwd: wt.path })).trim());
        // Only when nothing is left behind in the worktree has the whole change been merged.
        const change = await this.workspace.pending(session.id);
        if (change && result.uncommitted_files.length === 0) await this.finish(session, change, 'merged', previously);
        else await this.refresh(session, change);
      }
      return result;
    });
  }

  /** Behind/ahead of the base branch and which branch actions are offered, each refusal in a sentence. */
  async branchStatus(sessionId: string): Promise<SessionBranchStatus> {
    const session = await getSession(this.sql, sessionId);
    if (!session) throw notFound('session', sessionId);
    const project = await getProject(this.sql, session.project_id);
    if (!project) throw notFound('project', session.project_id);
    const wt = await this.workspace.get(session.id);
    const baseBranch = await this.baseBranchOf(session, project);
    const remote = await pushRemote(project.path, baseBranch);
    const off = (reason: string) => ({ available: false, reason });
    const status: SessionBranchStatus = {
      branch: wt?.isolated ? wt.branch : null,
      base_branch: baseBranch,
      behind: 0,
      ahead: 0,
      update: off('the session has no worktree yet'),
      remote,
      push: off('the session has no worktree yet'),
      pull_request: off('the session has no worktree yet'),
      open_pull_request: null,
    };
    if (!wt) return status;
    if (!wt.isolated || !wt.branch) {
      const own = off('the session works in the project directory itself: it has no branch of its own');
      return { ...status, update: own, push: own, pull_request: own };
    }
    const branch = wt.branch;
    const countAgainstBase = async () => {
      const base = baseBranch ? await tryResolveCommit(wt.path, `refs/heads/${baseBranch}`) : null;
      if (base) {
        [status.behind, status.ahead] = await Promise.all([
          countCommits(wt.path, `refs/heads/${branch}`, base),
          countCommits(wt.path, base, `refs/heads/${branch}`),
        ]);
      }
      return base;
    };
    // GitHub's answers take a round trip each: asked side by side with each other and with git's counts.
    const [base, { gh, loggedIn, openPullRequest }] = await Promise.all([countAgainstBase(), this.askGitHub(wt.path, branch, baseBranch, remote)]);
    status.update = !baseBranch
      ? off("the project's HEAD is detached, so the session has no base branch to update from")
      : !base
        ? off(`the base branch ${baseBranch} no longer exists`)
        : status.behind === 0
          ? off(`the session branch already has every commit of ${baseBranch}`)
          : { available: true, reason: null };
    status.push = remote ? { available: true, reason: null } : off('the project has no git remote to push to');
    status.pull_request = !remote
      ? off('the project has no git remote to open a pull request on')
      : !baseBranch
        ? off('the session has no base branch to propose its changes to')
        : !gh
          ? off("the gh command is not installed on the server's PATH")
          : !loggedIn
            ? off('gh on the server is not logged in to GitHub (gh auth status fails); run gh auth login there')
            : { available: true, reason: null };
    // A pull request gh listed counts only with a login gh confirmed.
    status.open_pull_request = loggedIn ? openPullRequest : null;
    return status;
  }

  /**
   * What gh says about the session branch: whether gh is there and logged in and, for a branch that
   * reached the remote, its open pull request. Both questions go out at once; a pull request found
   * while gh turns out logged out is dropped by the caller (gh's `pr list` fails then anyway).
   */
  private async askGitHub(
    cwd: string,
    branch: string,
    baseBranch: string | null,
    remote: string | null,
  ): Promise<{ gh: string | null; loggedIn: boolean; openPullRequest: PullRequestRef | null }> {
    const gh = remote && baseBranch ? await findGh() : null;
    if (!gh || !remote || !baseBranch) return { gh, loggedIn: false, openPullRequest: null };
    // Only a branch that reached the remote can have a pull request: asking GitHub about others is a wasted round trip.
    const pushed = async () => (await tryResolveCommit(cwd, `refs/remotes/${remote}/${branch}`)) !== null;
    const [loggedIn, openPullRequest] = await Promise.all([
      ghLoggedIn(gh, cwd),
      pushed().then((yes) => (yes ? findOpenPullRequest({ gh, cwd, branch, baseBranch }) : null)),
    ]);
    return { gh, loggedIn, openPullRequest };
  }

  updateFromBase(sessionId: string): Promise<UpdateFromBaseResult> {
    return this.act(sessionId, async ({ session, project, wt }) => {
      const { wt: own, baseBranch } = await this.ownBranch(session, project, wt, 'update');
      const before = await this.workspace.pending(session.id);
      const { diff_base, ...result } = await updateFromBase({
        worktreePath: own.path,
        branch: own.branch!,
        baseBranch,
        baseCommit: own.base_commit,
      });
      if (result.status === 'updated') {
        await this.workspace.moveBase(session.id, diff_base);
        await this.refresh(session, before);
      }
      this.log.info({ session_id: session.id, base_branch: baseBranch, status: result.status, merged_commits: result.merged_commits }, 'session updated from its base');
      return result;
    });
  }

  push(sessionId: string, body: PushBody): Promise<PushResult> {
    return this.act(sessionId, async ({ session, project, wt }) => {
      const { wt: own, baseBranch } = await this.ownBranch(session, project, wt, 'push');
      const remote = await pushRemote(project.path, baseBranch);
      if (!remote) throw conflict('no_remote', 'the project has no git remote to push to');
      const gh = body.pull_request ? await findGh() : null;
      if (body.pull_request && !gh) {
        throw conflict('gh_unavailable', "the gh command is not installed on the server's PATH: the branch was not pushed");
      }
      const before = await this.workspace.pending(session.id);
      if (body.commit_pending) {
        try {
          await commitWorktree({ worktreePath: own.path, message: body.message! });
        } catch (err) {
          if (!(err instanceof GitDomainError && err.code === 'nothing_to_commit')) throw err;
        }
        await this.refresh(session, before);
      }
      const commit = await pushBranch({ cwd: own.path, remote, branch: own.branch! });
      this.log.info({ session_id: session.id, remote, branch: own.branch, commit }, 'session branch pushed');
      let opened: Awaited<ReturnType<typeof openPullRequest>> | null = null;
      if (body.pull_request && gh) {
        try {
          opened = await openPullRequest({ gh, cwd: own.path, branch: own.branch!, baseBranch, title: body.pull_request.title, body: body.pull_request.body ?? '' });
        } catch (err) {
          if (!(err instanceof GitDomainError)) throw err;
          this.log.warn({ session_id: session.id, branch: own.branch, base_branch: baseBranch, err: err.message }, 'pull request not opened');
          // The push stands: the refusal says so, and what was pushed, so a retry knows only the pull request is missing.
          throw new GitDomainError(err.code, `the branch ${own.branch!} was pushed to ${remote}, but ${err.message}`, {
            ...err.details,
            pushed: { remote, branch: own.branch!, commit },
          });
        }
        this.log.info({ session_id: session.id, branch: own.branch, base_branch: baseBranch, url: opened.url }, opened.existing ? 'pull request already open' : 'pull request opened');
      }
      return {
        remote,
        branch: own.branch!,
        commit,
        uncommitted_files: await uncommitted(own.path),
        pull_request_url: opened?.url ?? null,
        existing_pull_request: opened?.existing ?? null,
      };
    });
  }

  /** The branch the session started from; the project's current branch when none was chosen. */
  private async baseBranchOf(session: Session, project: Project): Promise<string | null> {
    return session.base_branch ?? (await inspectRepository(project.path)).branch;
  }

  /** The session's own branch and its base, or a refusal naming what is missing. */
  private async ownBranch(session: Session, project: Project, wt: WorktreeRow | null, what: 'update' | 'push') {
    if (!wt) throw conflict('no_worktree', `the session has no worktree yet: nothing to ${what}`);
    if (!wt.isolated || !wt.branch) {
      throw conflict('not_isolated', 'the session works in the project directory itself: it has no branch of its own');
    }
    const baseBranch = await this.baseBranchOf(session, project);
    if (!baseBranch) throw conflict('unknown_branch', "the project's HEAD is detached, so the session has no base branch");
    return { wt, baseBranch };
  }

  private async act<T>(sessionId: string, fn: (target: Target) => Promise<T>): Promise<T> {
    const session = await getSession(this.sql, sessionId);
    if (!session) throw notFound('session', sessionId);
    return this.lock.run(session.project_id, async () => {
      if (session.status === 'archived') throw conflict('session_archived', `session ${session.id} is archived`);
      // While the review lock is held no worker claims a turn of the session, so the check
      // below stays true for the whole action, on every server sharing the database.
      return withReviewLock(this.sql, session.id, async () => {
        const running = await this.workspace.runningTask(session.id);
        if (running) {
          throw conflict('turn_running', `a turn of this session is running (task ${running}); wait for it to finish or cancel it`, {
            task_id: running,
          });
        }
        const project = await getProject(this.sql, session.project_id);
        if (!project) throw notFound('project', session.project_id);
        return fn({ session, project, wt: await this.workspace.get(session.id) });
      });
    });
  }

  /** The change to act on: the given one (must still be pending) or the session's pending change. */
  private async reviewable(sessionId: string, changeId: string | undefined): Promise<PendingChange> {
    const change = await this.workspace.change(sessionId, changeId);
    if (!change) {
      if (changeId) throw notFound('change of this session', changeId);
      throw conflict('no_pending_change', 'the session has no pending change');
    }
    if (change.status !== 'pending') {
      throw conflict('change_not_pending', `change ${change.id} is already ${change.status}`, { status: change.status });
    }
    return change;
  }

  private async finish(
    session: Session,
    change: PendingChange,
    status: 'applied' | 'rejected' | 'merged',
    previously: Collision[],
  ): Promise<void> {
    const settled = await this.workspace.settle(change.id, status);
    if (settled) this.workspace.publishChange(settled);
    await this.workspace.collisionsCleared(session, previously);
  }

  /**
   * Re-takes the pending change after the worktree's HEAD moved (same files, new `head`). Only a change
   * still under review is re-taken: an applied one stays settled until the next turn.
   */
  private async refresh(session: Session, before: PendingChange | null): Promise<void> {
    if (!before) return;
    const change = await this.workspace.supersede(session, before?.task_id ?? null);
    if (change) this.workspace.publishChange(change);
  }
}
