import { Option, type Command } from 'commander';
import type { ApiClient } from '@boocode/client';
import type { PermissionPolicy, Project, Session } from '@boocode/contracts';
import { shortId } from './ids.js';
import { projectOrCurrent } from './projects.js';
import { progress } from './turns/progress.js';

/** How a command that opens a session (`run`, `workflow run`) sets it up. */
export interface NewSessionOptions {
  project?: string;
  name?: string;
  agent?: string;
  model?: string;
  worktree: boolean;
  base?: string;
  policy: PermissionPolicy;
}

/** The options of a new session, but `--agent` and `--model` (each command words those its own way). */
export function newSessionOptions(cmd: Command): Command {
  return cmd
    .option('--project <project>', 'project (id, name or path; default: the one holding the current directory)')
    .option('--name <name>', 'session name')
    .option('--no-worktree', 'work directly in the project directory instead of a new git worktree')
    .option('--base <branch>', 'branch the worktree starts from (default: the project HEAD)')
    .addOption(new Option('--policy <policy>', 'what the agent may do without asking').choices(['ask', 'allow_edits', 'allow_all']).default('ask'));
}

/** Opens a session in `--project` or the current directory's project; says so on stderr unless quiet. */
export async function openSession(api: ApiClient, opts: NewSessionOptions, quiet: boolean): Promise<{ session: Session; project: Project }> {
  const project = await projectOrCurrent(api, opts.project);
  const session = await api.call('createSession', {
    body: {
      project_id: project.id,
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.agent ? { agent: opts.agent } : {}),
      ...(opts.model ? { model: opts.model } : {}),
      permission_policy: opts.policy,
      isolated: opts.worktree,
      ...(opts.base ? { base_branch: opts.base } : {}),
    },
  });
  if (!quiet) progress(`session ${shortId(session.id)} opened in ${project.name}`);
  return { session, project };
}
