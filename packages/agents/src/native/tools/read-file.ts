import { z } from 'zod';
import { openForRead, resolveInRoot } from '../../paths.js';
import { defineTool, failure, success } from './types.js';

/** Files above this size are refused; grep or a line range from a smaller file are better. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;
const DEFAULT_LINES = 2000;
/** Total characters returned in one call, so one read cannot flood the context window. */
const MAX_OUTPUT_CHARS = 100_000;
const MAX_LINE_CHARS = 2000;

export const ReadFileInput = z.object({
  path: z.string().describe('File path relative to the project root.'),
  offset: z.number().int().min(1).optional().describe('First line to read, 1-based. Default 1.'),
  limit: z.number().int().min(1).max(10_000).optional().describe(`Number of lines to read. Default ${DEFAULT_LINES}.`),
});

export const readFileTool = defineTool({
  name: 'read_file',
  description:
    'Read a text file from the project. Returns the lines prefixed with their 1-based line number and a tab ' +
    `("12\\tconst x = 1;"); the prefix is not part of the file. Reads up to ${DEFAULT_LINES} lines by default; ` +
    'use offset and limit to read other parts of long files. Lines longer than 2000 characters are cut. ' +
    'Binary files and files over 10 MB are refused. Read a file before editing it.',
  inputSchema: ReadFileInput,
  writes: false,
  async execute(input, ctx) {
    const r = await resolveInRoot(ctx.root, input.path);
    if (!r.ok) return failure(r.error);
    let opened;
    try {
      opened = await openForRead(r.abs);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return failure(`File not found: ${input.path}`);
      throw err;
    }
    const { fh, info } = opened;
    let buf: Buffer;
    try {
      if (info.isDirectory()) return failure(`${input.path} is a directory; use list_dir to see its contents.`);
      if (info.size > MAX_FILE_BYTES) {
        return failure(`${input.path} is ${info.size} bytes, over the ${MAX_FILE_BYTES}-byte limit; use grep to find the part you need.`);
      }
      buf = await fh.readFile();
    } finally {
      await fh.close();
    }
    if (buf.subarray(0, 8192).includes(0)) return failure(`${input.path} looks like a binary file; it cannot be shown as text.`);
    const text = buf.toString('utf8');
    if (text === '') return success(`(${r.rel} is empty)`);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const start = (input.offset ?? 1) - 1;
    if (start >= lines.length) return failure(`${input.path} has ${lines.length} lines; offset ${start + 1} is past the end.`);
    const end = Math.min(lines.length, start + (input.limit ?? DEFAULT_LINES));
    let out = '';
    let last = start;
    for (let i = start; i < end; i++) {
      const line = lines[i] ?? '';
      const shown = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… [line cut]` : line;
      const next = `${i + 1}\t${shown}\n`;
      if (out.length + next.length > MAX_OUTPUT_CHARS) break;
      out += next;
      last = i + 1;
    }
    if (last < lines.length) out += `[${lines.length - last} more lines; continue with offset=${last + 1}]\n`;
    return success(out);
  },
});
