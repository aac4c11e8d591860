import { execFile as execFileCb } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ApiError } from '../http/errors.js';

const execFile = promisify(execFileCb);

/**
 * Resolves a user-given path to the top level of the git repository holding it, or explains
 * why it cannot be a project.
 */
export async function resolveRepository(input: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(input);
  } catch {
    throw new ApiError(400, 'path_not_found', `path: ${input} does not exist`);
  }
  if (!(await stat(real)).isDirectory()) throw new ApiError(400, 'not_a_directory', `path: ${input} is not a directory`);
  try {
    const { stdout } = await execFile('git', ['rev-parse', '--show-toplevel'], { cwd: real });
    return await realpath(stdout.trim());
  } catch {
    throw new ApiError(400, 'not_a_git_repository', `path: ${input} is not a git repository`);
  }
}
