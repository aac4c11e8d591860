import type { Project, Session } from '@boocode/contracts';
import { ensureSessionWorktree } from '../git/index.js';
import { tryResolveCommit } from '../git/repo.js';
import type { Workspace } from './workspace.js';

/** An agent's own worktree, next to its session's. */
export interface AgentWorktree {
  /** Its directory name under the project's worktrees (what the sweep compares against live ids). */
  id: string;
  path: string;
  branch: string;
  base_commit: string;
}

export interface CutAgentWorktree {
  workspace: Workspace;
  home: string;
  session: Session;
  project: Project;
  /** Directory id, `<session id>.<suffix>`, and the branch's slug. */
  suffix: string;
  /** Records the worktree where the sweep looks for live ones; runs inside the sweep gate. */
  record: (worktree: AgentWorktree) => Promise<void>;
}

/**
 * An agent's own worktree (an isolated workflow agent, a subagent), cut from the session
 * worktree's current HEAD (not the project's default branch), with the project's copy and setup rules.
 */
export async function cutAgentWorktree(c: CutAgentWorktree): Promise<AgentWorktree> {
  const { workspace, session, project } = c;
  const sessionRoot = await workspace.prepare(session, project);
  const head = await tryResolveCommit(sessionRoot, 'HEAD');
  if (!head) throw new Error(`the session worktree ${sessionRoot} has no HEAD commit to cut an agent worktree from`);
  const id = `${session.id}.${c.suffix}`;
  // Created and recorded inside the sweep gate: the sweep keeps worktrees that are recorded.
  return workspace.gate.enter(async () => {
    const created = await ensureSessionWorktree({
      home: c.home,
      projectId: project.id,
      projectPath: project.path,
      sessionId: id,
      sessionSlug: c.suffix,
      baseBranch: head,
    });
    const worktree: AgentWorktree = { id, path: created.path, branch: created.branch!, base_commit: created.base_commit };
    await c.record(worktree);
    return worktree;
  });
}
