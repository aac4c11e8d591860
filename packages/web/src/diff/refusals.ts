import { ApiClientError } from '@boocode/client';

/** A review action the server refused, in words: what happened, and the files it is about. */
export interface Refusal {
  text: string;
  files: string[];
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Files `git apply --check` names in its complaints ("error: a.ts: patch does not apply"). */
function filesFromApplyOutput(output: unknown): string[] {
  if (typeof output !== 'string') return [];
  const files = new Set<string>();
  for (const m of output.matchAll(/^error: patch failed: (.+):\d+$/gm)) files.add(m[1]!);
  for (const m of output.matchAll(/^error: (.+): (?:patch does not apply|already exists in working directory|does not exist in index|No such file or directory)$/gm)) {
    files.add(m[1]!);
  }
  return [...files];
}

/**
 * Why Apply, Merge or Reject was refused, as a sentence a reader can act on. The server's
 * codes and details (conflicting files, git's output) become words and a file list; nothing
 * is shown as raw JSON.
 */
export function describeRefusal(action: 'apply' | 'merge' | 'reject' | 'send the comments', err: unknown): Refusal {
  if (!(err instanceof ApiClientError)) {
    return { text: `Could not ${action}: ${err instanceof Error ? err.message : String(err)}.`, files: [] };
  }
  const details = (err.details ?? {}) as Record<string, unknown>;
  const files = stringList(details.files);
  const target = typeof details.target_branch === 'string' ? details.target_branch : 'the target branch';
  switch (err.code) {
    case 'merge_conflict':
      return {
        text: `Not merged: the session's changes conflict with ${target} in ${files.length === 1 ? 'this file' : `these ${files.length} files`}. Nothing was changed. Ask the agent to rebase on ${target}, or resolve the conflicts by hand.`,
        files,
      };
    case 'dirty_project':
      return files.length
        ? {
            text: `Not ${action === 'merge' ? 'merged' : 'applied'}: the project has uncommitted edits in ${files.length === 1 ? 'a file' : `${files.length} files`} this change also touches. Commit or stash them first.`,
            files,
          }
        : { text: `Not ${action === 'merge' ? 'merged' : 'applied'}: the project changed while this ran. Try again.`, files: [] };
    case 'patch_does_not_apply': {
      const named = filesFromApplyOutput(details.output);
      return {
        text: `Not applied: the project has moved on and the change no longer fits${named.length ? ` ${named.length === 1 ? 'this file' : 'these files'}` : ''}. Nothing was changed; merge the session branch instead, or ask the agent to update its work.`,
        files: named,
      };
    }
    case 'turn_running':
      return { text: `Not ${action === 'apply' ? 'applied' : action === 'merge' ? 'merged' : 'rejected'}: a turn of this session is running. Wait for it to finish, or stop it.`, files: [] };
    case 'change_not_pending':
      return { text: `This change was already ${typeof details.status === 'string' ? details.status : 'settled'}; the panel shows the latest state.`, files: [] };
    case 'no_pending_change':
      return { text: 'There is no pending change to review any more.', files: [] };
    case 'target_checked_out_elsewhere':
    case 'unknown_branch':
    case 'invalid_branch_name':
      return { text: `Not merged: ${err.message}.`, files: [] };
    default:
      return { text: `Could not ${action}: ${err.message}.`, files };
  }
}

const SENTENCE_END = /[.!?]$/;

/** Why Update from `base` or Push was refused: the server's own sentence, or words for a conflict or a turn in the way. */
export function describeBranchRefusal(action: 'update' | 'push', base: string, err: unknown): Refusal {
  const verb = action === 'update' ? 'Not updated' : 'Not pushed';
  if (!(err instanceof ApiClientError)) {
    return { text: `${verb}: ${err instanceof Error ? err.message : String(err)}.`, files: [] };
  }
  const files = stringList(((err.details ?? {}) as Record<string, unknown>).files);
  switch (err.code) {
    case 'merge_conflict':
      return {
        text: `${verb}: the new commits of ${base} conflict with the session's in ${files.length === 1 ? 'this file' : `these ${files.length} files`}. Nothing was changed. Ask the agent to resolve it, or merge by hand.`,
        files,
      };
    case 'dirty_worktree':
      return {
        text: `${verb}: the update would overwrite uncommitted changes in ${files.length === 1 ? 'this file' : `these ${files.length} files`}. Nothing was changed; commit or reject them first.`,
        files,
      };
    case 'turn_running':
      return { text: `${verb}: a turn of this session is running. Wait for it to finish, or stop it.`, files: [] };
    // The push went through and only gh failed: the server's sentence says both, so no "Not pushed".
    case 'pull_request_failed':
      return { text: sentence(err.message), files: [] };
    default:
      return { text: `${verb}. ${sentence(err.message)}`, files };
  }
}

/** The server's refusal as a sentence of its own: capitalised, ending in a full stop. */
function sentence(said: string): string {
  const s = said.charAt(0).toUpperCase() + said.slice(1);
  return SENTENCE_END.test(s) ? s : `${s}.`;
}
