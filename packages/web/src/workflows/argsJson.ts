/** The args editor's text read as the script's `args`: empty means no args (undefined in the script). */
export type ParsedArgs = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses the args JSON; a mistake is described with its line and column, as a person reads it. */
export function parseArgs(text: string): ParsedArgs {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // V8's message has no position for most mistakes: find the first one ourselves.
    const e = firstMistake(text);
    return { ok: false, message: `The args are not valid JSON at ${lineColumn(text, e.at)}: ${e.what}.` };
  }
}

function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

interface Mistake {
  at: number;
  what: string;
}

/** Walks the JSON grammar to the first character that breaks it (only called once JSON.parse failed). */
function firstMistake(s: string): Mistake {
  let i = 0;
  const fail = (what: string): never => {
    throw { at: i, what } satisfies Mistake;
  };
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i]!)) i++;
  };
  const unexpected = (expected: string): never =>
    fail(i >= s.length ? `the text ends where ${expected} was expected` : `unexpected ${JSON.stringify(s[i])} where ${expected} was expected`);
  const str = () => {
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\') {
        i++;
        if (s[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) fail('a \\u escape needs four hex digits');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(s[i] ?? '')) fail('unknown escape in a string');
      } else if (s.charCodeAt(i) < 0x20) fail('a line break or control character inside a string (write it as \\n)');
      i++;
    }
    if (i >= s.length) fail('a string is not closed with "');
    i++;
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      ws();
      if (s[i] === '}') return void i++;
      for (;;) {
        ws();
        if (s[i] !== '"') unexpected('a key in double quotes');
        str();
        ws();
        if (s[i] !== ':') unexpected('":"');
        i++;
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') return void i++;
        unexpected('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') return void i++;
        unexpected('"," or "]"');
      }
    }
    if (c === '"') return str();
    const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(s.slice(i));
    if (lit) {
      i += lit[0].length;
      return;
    }
    unexpected('a value');
  };
  try {
    value();
    ws();
    if (i < s.length) fail(`unexpected ${JSON.stringify(s[i])} after the value (only one value is allowed)`);
    return { at: i, what: 'it cannot be read' };
  } catch (e) {
    return e as Mistake;
  }
}
