/** The args editor's text read as the script's `args`: empty means no args (undefined in the script). */
export type ParsedArgs = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses the args JSON; a mistake is described with its line and column, as a person reads it. */
export function parseArgs(text: string): ParsedArgs {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const raw = (err as Error).message;
    const at = /at position (\d+)/.exec(raw);
    // V8 words it "Unexpected token '}', "{"a": }" is not valid JSON" or "... in JSON at position 7 (line 1 column 8)".
    const what = raw
      .replace(/,\s*".*" is not valid JSON$/s, '')
      .replace(/\s*in JSON at position \d+.*$/s, '')
      .replace(/^JSON\.parse: /, '');
    const where = at ? ` at ${lineColumn(text, Number(at[1]))}` : '';
    return { ok: false, message: `The args are not valid JSON${where}: ${lowerFirst(what)}.` };
  }
}

function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

const lowerFirst = (s: string) => (s ? s[0]!.toLowerCase() + s.slice(1) : 'it cannot be read');
