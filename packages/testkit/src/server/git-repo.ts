import { execFile as execFileCb } from 'node:child_process';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { scratchDir } from '../scratch.js';

const execFile = promisify(execFileCb);

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** A real git repository with one commit holding `files` (path -> content), removed when the process ends. */
export async function makeGitRepo(files: Record<string, string> = { 'README.md': '# test\n' }, name = 'repo'): Promise<string> {
  const dir = path.join(scratchDir('boocode-git-'), name);
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'config', 'user.email', 'test@boocode.local');
  await git(dir, 'config', 'user.name', 'BooCode Test');
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** A fresh bare repository added to `repo` as its remote `origin`; returns the remote's path. */
export async function addBareRemote(repo: string): Promise<string> {
  const remote = path.join(scratchDir('boocode-remote-'), 'origin.git');
  await git(path.dirname(remote), 'init', '-q', '--bare', remote);
  await git(repo, 'remote', 'add', 'origin', remote);
  return remote;
}
