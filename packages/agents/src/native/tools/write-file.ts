import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { isGitInternal, resolveInRoot, writeNoFollow } from '../../paths.js';
import { defineTool, failure, success } from './types.js';

export const WriteFileInput = z.object({
  path: z.string().describe('File to write, relative to the project root. Missing parent directories are created.'),
  content: z.string().describe('The complete new content of the file.'),
});

export const writeFileTool = defineTool({
  name: 'write_file',
  description:
    'Create a file or overwrite it with the given content. Parent directories are created as needed. ' +
    'For small changes to an existing file prefer edit_file, which does not need the whole content.',
  inputSchema: WriteFileInput,
  writes: true,
  async execute(input, ctx) {
    const r = await resolveInRoot(ctx.root, input.path);
    if (!r.ok) return failure(r.error);
    if (r.abs === ctx.root) return failure('A file path is required, not the project root.');
    if (isGitInternal(r.rel)) return failure('Files inside .git cannot be written.');
    let existed = false;
    try {
      const info = await stat(r.abs);
      if (info.isDirectory()) return failure(`${input.path} is a directory.`);
      existed = true;
    } catch {
      // Does not exist yet: it will be created.
    }
    // Safe to create: resolveInRoot proved the nearest existing ancestor is inside the root, and the
    // missing components are created fresh, so none of them can be a symlink.
    await mkdir(path.dirname(r.abs), { recursive: true });
    await writeNoFollow(r.abs, input.content);
    const bytes = Buffer.byteLength(input.content);
    return success(`${existed ? 'Overwrote' : 'Created'} ${r.rel} (${bytes} bytes).`);
  },
});
