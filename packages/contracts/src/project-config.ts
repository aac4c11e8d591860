import { z } from 'zod';

/** One program and its arguments, e.g. `["npm", "ci"]`; never a shell string. */
export const ProjectCommand = z
  .array(z.string().min(1, 'must not be empty'), {
    error: 'expected array of strings (a program and its arguments, e.g. ["npm", "ci"])',
  })
  .min(1, 'must name a program');
export type ProjectCommand = z.infer<typeof ProjectCommand>;

const commandList = z.array(ProjectCommand, {
  error: 'expected a list of commands, each an array of strings (e.g. [["npm", "ci"]])',
});

/**
 * A file, directory or glob (`*`, `?`, `**`) relative to the project root. Absolute paths and `..`
 * are refused here; symlinks leading out of the project are refused when copying.
 */
export const ProjectCopyPattern = z
  .string({ error: 'expected a relative path or glob (string)' })
  .min(1, 'must not be empty')
  .refine(
    (p) =>
      !p.startsWith('/') && !p.includes('\\') && !p.includes('\0') && !/^[A-Za-z]:/.test(p) &&
      !p.split('/').some((seg) => seg === '..'),
    'must be a relative path inside the project (not absolute, no "..")',
  );

/**
 * Optional per-project `.boocode/config.json`. Commands are argument arrays (run with execFile, no
 * shell) so a config file cannot smuggle in shell syntax.
 */
export const ProjectConfig = z.object({
  /** Command that checks the project after the agent writes files, e.g. `["npx", "tsc", "--noEmit"]`. */
  check: z.array(z.string().min(1)).min(1).optional(),
  /** Run the check after steps that wrote files and feed failures back to the agent. Default true. */
  check_after_write: z.boolean().optional(),
  /** Run in order, in a new session worktree, after `copy`; a failing command fails the turn. */
  setup: commandList.optional(),
  /** Run in the session worktree before it is removed (archive); failures are reported, not fatal. */
  teardown: commandList.optional(),
  /** Files (such as `.env`) copied from the project into a new worktree; existing files are kept. */
  copy: z.array(ProjectCopyPattern, { error: 'expected a list of relative paths or globs' }).optional(),
});
export type ProjectConfig = z.infer<typeof ProjectConfig>;
