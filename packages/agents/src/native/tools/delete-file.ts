import { lstat, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { isGitInternal, resolveInRoot } from '../../paths.js';
import { defineTool, failure, success } from './types.js';

export const DeleteFileInput = z.object({
  path: z.string().describe('File to delete, relative to the project root.'),
});

export const deleteFileTool = defineTool({
  name: 'delete_file',
  description:
    'Delete one file (or a symbolic link; its target is kept). Directories are not deleted by this tool. ' +
    'The deletion shows up in the session diff and can be reviewed before it is applied.',
  inputSchema: DeleteFileInput,
  writes: true,
  async execute(input, ctx) {
    // followLast=false: deleting a symlink removes the link, never the file it points to.
    const r = await resolveInRoot(ctx.root, input.path, { followLast: false });
    if (!r.ok) return failure(r.error);
    if (isGitInternal(r.rel)) return failure('Files inside .git cannot be deleted.');
    let info;
    try {
      info = await lstat(r.abs);
    } catch {
      return failure(`File not found: ${input.path}`);
    }
    if (info.isDirectory()) return failure(`${input.path} is a directory; delete_file removes files only.`);
    await unlink(r.abs);
    return success(`Deleted ${r.rel}.`);
  },
});
