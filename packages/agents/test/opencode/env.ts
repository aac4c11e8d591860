import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { openCodeTestHome as isolatedHome, type OpenCodeTestHome as IsolatedHome } from '@boocode/testkit';

export interface OpenCodeTestHome extends IsolatedHome {
  /** A git repository with `hello.txt`, usable as a worktree. */
  makeRepo(name: string): string;
}

/** The testkit's isolated opencode home, plus throwaway repositories inside it. */
export function openCodeTestHome(llmUrl: string): OpenCodeTestHome {
  const home = isolatedHome(llmUrl);
  return {
    ...home,
    makeRepo(name) {
      const dir = join(home.root, 'repos', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'hello.txt'), 'hi there\n');
      const git = (...args: string[]): void => {
        execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
      };
      git('init', '-q');
      git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
      git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init');
      return dir;
    },
  };
}
