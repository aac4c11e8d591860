import path from 'node:path';
import { glob } from 'tinyglobby';
import { z } from 'zod';
import { globPatternError, IGNORED_DIRS } from './glob-pattern.js';
import { reachedWithoutLinks, resolveInRoot } from '../../paths.js';
import { defineTool, failure, success } from './types.js';

const MAX_RESULTS = 1000;

export const GlobInput = z.object({
  pattern: z.string().min(1).max(500).describe('Glob pattern, e.g. "**/*.ts" or "src/{a,b}/*.json".'),
  path: z.string().default('.').describe('Directory to search in, relative to the project root. Default: the root.'),
});

export const globTool = defineTool({
  name: 'glob',
  description:
    'Find files by name with a glob pattern ("**/*.ts", "src/**/test_*.py"). Returns matching file paths ' +
    `relative to the project root, sorted, at most ${MAX_RESULTS}. node_modules and .git are skipped; ` +
    'hidden files are included. Use grep to search file contents.',
  inputSchema: GlobInput,
  writes: false,
  async execute(input, ctx) {
    const bad = globPatternError(input.pattern);
    if (bad) return failure(bad);
    const r = await resolveInRoot(ctx.root, input.path);
    if (!r.ok) return failure(r.error);
    const found = await glob(input.pattern, {
      cwd: r.abs,
      dot: true,
      onlyFiles: true,
      // Symlinked directories could lead outside the root; they are listed but not entered.
      followSymbolicLinks: false,
      expandDirectories: false,
      ignore: IGNORED_DIRS,
      signal: ctx.signal,
    });
    // A pattern naming a symlinked directory ("link_dir/*") is crawled from inside it; what lies
    // behind a link is dropped so nothing outside the root is listed.
    const seen = new Map<string, boolean>();
    const rel: string[] = [];
    for (const f of found) {
      const abs = path.join(r.abs, f);
      if (await reachedWithoutLinks(ctx.root, abs, seen)) rel.push(path.relative(ctx.root, abs));
    }
    rel.sort();
    if (rel.length === 0) return success(`No files match "${input.pattern}" in ${r.rel}.`);
    const shown = rel.slice(0, MAX_RESULTS).join('\n');
    return success(rel.length > MAX_RESULTS ? `${shown}\n[${rel.length - MAX_RESULTS} more files not shown; narrow the pattern]` : shown);
  },
});
