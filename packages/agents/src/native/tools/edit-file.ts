import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { isGitInternal, readNoFollow, resolveInRoot, writeNoFollow } from '../../paths.js';
import { defineTool, failure, success } from './types.js';

export const EditFileInput = z.object({
  path: z.string().describe('File to edit, relative to the project root.'),
  old_string: z.string().min(1).describe('Exact text to replace, including whitespace and indentation.'),
  new_string: z.string().describe('Replacement text.'),
  replace_all: z.boolean().default(false).describe('Replace every occurrence instead of requiring exactly one.'),
});

function countOccurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

export const editFileTool = defineTool({
  name: 'edit_file',
  description:
    'Replace exact text in an existing file. old_string must match the file byte for byte (copy it from ' +
    'read_file output without the line-number prefix) and must occur exactly once unless replace_all is true; ' +
    'include a few surrounding lines to make it unique. Fails without changing anything when the text is not ' +
    'found or not unique. Use write_file to create a file or rewrite it completely.',
  inputSchema: EditFileInput,
  writes: true,
  async execute(input, ctx) {
    const r = await resolveInRoot(ctx.root, input.path);
    if (!r.ok) return failure(r.error);
    if (isGitInternal(r.rel)) return failure('Files inside .git cannot be edited.');
    if (input.old_string === input.new_string) return failure('old_string and new_string are identical; nothing to change.');
    try {
      if (!(await stat(r.abs)).isFile()) return failure(`${input.path} is not a regular file.`);
    } catch {
      return failure(`File not found: ${input.path}. Use write_file to create it.`);
    }
    const text = await readNoFollow(r.abs);
    const count = countOccurrences(text, input.old_string);
    if (count === 0) {
      return failure(
        `old_string was not found in ${r.rel}. Read the file again and copy the exact text, including whitespace and indentation.`,
      );
    }
    if (count > 1 && !input.replace_all) {
      return failure(
        `old_string occurs ${count} times in ${r.rel}; it must be unique. Include more surrounding lines, or set replace_all to true.`,
      );
    }
    // split/join instead of String.replace: replacement text must not interpret "$&" and friends.
    const updated = input.replace_all
      ? text.split(input.old_string).join(input.new_string)
      : text.replace(input.old_string, () => input.new_string);
    await writeNoFollow(r.abs, updated);
    return success(`Edited ${r.rel}: replaced ${count} occurrence${count === 1 ? '' : 's'}.`);
  },
});
