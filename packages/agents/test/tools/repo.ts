import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunCommandResult, ToolOutcome } from '@boocode/agents';
import { removeScratch, scratchDir } from '@boocode/testkit';

/** A real temporary git repository with a few committed files, plus a sibling dir outside it. */
export interface TempRepo {
  /** realpath of the repository root. */
  root: string;
  /** A directory next to the root (outside it) holding `secret.txt`. */
  outside: string;
  cleanup(): Promise<void>;
}

export async function makeRepo(files: Record<string, string> = {}): Promise<TempRepo> {
  const base = scratchDir('boocode-tools-');
  const root = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'TOP SECRET\n');
  const all: Record<string, string> = {
    'README.md': '# demo\n',
    'src/a.ts': 'export const a = 1;\nexport const b = 2;\n',
    ...files,
  };
  for (const [rel, content] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: root, stdio: 'ignore' });
  };
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'init');
  return { root, outside, cleanup: async () => removeScratch(base) };
}

/** A tool's output, failing the test when the tool failed. */
export const outputOf = (o: ToolOutcome): string => {
  if (!o.ok) throw new Error(`expected success, got: ${o.error}`);
  return o.output;
};

/** A tool's error, failing the test when the tool succeeded. */
export const errorOf = (o: ToolOutcome): string => {
  if (o.ok) throw new Error(`expected a failure, got: ${o.output}`);
  return o.error;
};

/** run_command's result, failing the test when the command could not run. */
export const resultOf = (o: ToolOutcome): RunCommandResult => JSON.parse(outputOf(o)) as RunCommandResult;
