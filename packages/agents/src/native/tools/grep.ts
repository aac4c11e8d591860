import { stat } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { z } from 'zod';
import { runGrepJob, type GrepRun } from './grep-workers.js';
import { globPatternError, IGNORED_DIRS } from './glob-pattern.js';
import { HardLinkedFileError, reachedWithoutLinks, resolveInRoot } from '../../paths.js';
import { defineTool, failure, limitsOf, success, type ToolOutcome } from './types.js';

/** Long patterns are where pathological backtracking hides; real searches are short. */
export const MAX_PATTERN_LENGTH = 500;
const DEFAULT_MAX_MATCHES = 200;
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_LINE_CHARS = 300;

export const GrepInput = z.object({
  pattern: z
    .string()
    .min(1)
    .max(MAX_PATTERN_LENGTH)
    .describe('JavaScript regular expression matched against each line, e.g. "function\\s+\\w+".'),
  path: z.string().default('.').describe('File or directory to search, relative to the project root. Default: the root.'),
  include: z.string().optional().describe('Only search files matching this glob, e.g. "**/*.ts".'),
  ignore_case: z.boolean().default(false),
  max_matches: z.number().int().min(1).max(2000).default(DEFAULT_MAX_MATCHES),
});

function runError(run: Extract<GrepRun, { ok: false }>, timeoutMs: number): string {
  if (run.reason === 'timeout') {
    return `grep timed out after ${timeoutMs} ms and was stopped. The pattern may backtrack catastrophically (nested quantifiers like "(a+)+"); simplify it or narrow the path/include.`;
  }
  if (run.reason === 'cancelled') return 'grep was cancelled.';
  return `grep failed: ${run.error ?? 'worker crashed'}`;
}

export const grepTool = defineTool({
  name: 'grep',
  description:
    'Search file contents with a regular expression (JavaScript syntax), line by line. Returns ' +
    '"path:line: text" for each matching line, at most max_matches (default 200). Narrow with path and ' +
    'include (a glob such as "**/*.ts"). node_modules, .git, binary files, symlinks, hard-linked files and files over 5 MB are ' +
    `skipped. Patterns are limited to ${MAX_PATTERN_LENGTH} characters and each search to a few seconds.`,
  inputSchema: GrepInput,
  writes: false,
  async execute(input, ctx): Promise<ToolOutcome> {
    const flags = input.ignore_case ? 'i' : '';
    try {
      new RegExp(input.pattern, flags);
    } catch (err) {
      return failure(`Invalid regular expression: ${(err as Error).message}`);
    }
    if (input.include) {
      const bad = globPatternError(input.include);
      if (bad) return failure(bad);
    }
    const r = await resolveInRoot(ctx.root, input.path);
    if (!r.ok) return failure(r.error);
    let files: string[];
    try {
      const info = await stat(r.abs);
      if (info.isFile() && info.nlink > 1) return failure(new HardLinkedFileError(r.abs).message);
      const listed = info.isDirectory()
        ? (
            await glob(input.include ?? '**/*', {
              cwd: r.abs,
              dot: true,
              onlyFiles: true,
              followSymbolicLinks: false,
              expandDirectories: false,
              ignore: IGNORED_DIRS,
              absolute: true,
              signal: ctx.signal,
            })
          ).sort()
        : [r.abs];
      const seen = new Map<string, boolean>();
      files = [];
      for (const f of listed) if (await reachedWithoutLinks(ctx.root, f, seen)) files.push(f);
    } catch {
      return failure(`Path not found: ${input.path}`);
    }
    const run = await runGrepJob(
      {
        files,
        source: input.pattern,
        flags,
        maxMatches: input.max_matches,
        maxFileBytes: MAX_FILE_BYTES,
        maxLineChars: MAX_LINE_CHARS,
      },
      limitsOf(ctx).grepTimeoutMs,
      ctx.signal,
    );
    if (!run.ok) return failure(runError(run, limitsOf(ctx).grepTimeoutMs));
    const { matches, truncated } = run.result;
    if (matches.length === 0) return success(`No matches for /${input.pattern}/${flags} in ${r.rel}.`);
    const lines = matches.map((m) => `${path.relative(ctx.root, m.file)}:${m.line}: ${m.text}`);
    if (truncated) lines.push(`[stopped at ${input.max_matches} matches; narrow the search]`);
    return success(lines.join('\n'));
  },
});
