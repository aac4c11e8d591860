import type { ApplyResult, DiffFile } from '@boocode/contracts';
import { GitCommandError, GitDomainError } from './errors.js';
import { runGit } from './exec.js';
import { parsePatch } from './patch.js';
import { dirtyPaths, inspectRepository } from './repo.js';

// Whitespace config (`apply.whitespace=error`) must not make a review action fail or alter the patch.
const APPLY_ARGS = ['apply', '--whitespace=nowarn'];

/** Every path a patch reads or writes (both sides of a rename). */
export function touchedPaths(files: readonly DiffFile[]): string[] {
  const paths = new Set<string>();
  for (const f of files) {
    paths.add(f.path);
    if (f.old_path) paths.add(f.old_path);
  }
  return [...paths].sort();
}

/**
 * Applies a session's patch to the project's working tree (not its index), all or nothing:
 * - refused with `dirty_project` when any file the patch touches has uncommitted changes in the project
 *   (including an untracked file where the patch creates one): the user's edits are never mixed in;
 * - refused with `patch_does_not_apply` when `git apply --check` fails (the project moved on).
 * `git apply` itself is atomic, and it only runs after both checks pass.
 */
export async function applyPatch(opts: { projectPath: string; patch: string; signal?: AbortSignal }): Promise<ApplyResult> {
  const { root } = await inspectRepository(opts.projectPath);
  const files = parsePatch(opts.patch);
  const touched = touchedPaths(files);
  if (touched.length === 0) return { files: [] };
  const dirty = await dirtyPaths(root);
  const clash = touched.filter((p) => dirty.has(p));
  if (clash.length > 0) {
    throw new GitDomainError(
      'dirty_project',
      `the project has uncommitted changes in ${clash.length} file(s) this change touches: ${clash.join(', ')}`,
      { files: clash },
    );
  }
  try {
    await runGit([...APPLY_ARGS, '--check', '-'], { cwd: root, input: opts.patch, signal: opts.signal });
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    throw new GitDomainError('patch_does_not_apply', `the change does not apply to the project: ${err.stderr.trim()}`, {
      output: err.stderr,
    });
  }
  await runGit([...APPLY_ARGS, '-'], { cwd: root, input: opts.patch, signal: opts.signal });
  return { files: files.map((f) => f.path) };
}
