/** Input keys that name what a tool acts on, most telling first. */
const TARGET_KEYS = ['path', 'file_path', 'filePath', 'file', 'command', 'cmd', 'pattern', 'glob', 'query', 'url', 'directory', 'dir'];

/**
 * A one-line summary of what a tool call acts on (a path, a command, a pattern), for the
 * compact card header. Commands given as argument arrays are joined with spaces.
 */
export function toolTarget(input: Record<string, unknown>, max = 80): string | null {
  for (const key of TARGET_KEYS) {
    const v = input[key];
    let s: string | null = null;
    if (typeof v === 'string' && v.trim() !== '') s = v;
    else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) s = v.join(' ');
    if (s !== null) {
      const line = s.replace(/\s+/g, ' ').trim();
      return line.length > max ? `${line.slice(0, max - 1)}…` : line;
    }
  }
  return null;
}
