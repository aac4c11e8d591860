import { readdir } from 'node:fs/promises';
import { z } from 'zod';
import { resolveInRoot } from '../../paths.js';
import { defineTool, failure, success } from './types.js';

const MAX_ENTRIES = 1000;

export const ListDirInput = z.object({
  path: z.string().default('.').describe('Directory relative to the project root. Default: the root.'),
});

export const listDirTool = defineTool({
  name: 'list_dir',
  description:
    'List the entries of one directory (not recursive). Directories end with "/", symbolic links with "@". ' +
    `At most ${MAX_ENTRIES} entries are shown. Use glob to find files by name across directories.`,
  inputSchema: ListDirInput,
  writes: false,
  async execute(input, ctx) {
    const r = await resolveInRoot(ctx.root, input.path);
    if (!r.ok) return failure(r.error);
    let entries;
    try {
      entries = await readdir(r.abs, { withFileTypes: true });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTDIR') return failure(`${input.path} is a file, not a directory; use read_file.`);
      return failure(`Directory not found: ${input.path}`);
    }
    const names = entries
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.isSymbolicLink() ? `${e.name}@` : e.name))
      .sort((a, b) => a.localeCompare(b));
    if (names.length === 0) return success(`(${r.rel} is empty)`);
    const shown = names.slice(0, MAX_ENTRIES).join('\n');
    return success(names.length > MAX_ENTRIES ? `${shown}\n[${names.length - MAX_ENTRIES} more entries not shown]` : shown);
  },
});
