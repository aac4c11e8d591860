import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/workflows/argsJson';

describe('parseArgs', () => {
  it('reads JSON values, and an empty editor as no args', () => {
    expect(parseArgs('')).toEqual({ ok: true, value: undefined });
    expect(parseArgs('  \n')).toEqual({ ok: true, value: undefined });
    expect(parseArgs('"a question"')).toEqual({ ok: true, value: 'a question' });
    expect(parseArgs('{"task": "x", "maxFixes": 2}')).toEqual({ ok: true, value: { task: 'x', maxFixes: 2 } });
    expect(parseArgs('[1, -2.5e3, true, null]')).toEqual({ ok: true, value: [1, -2500, true, null] });
  });

  it.each([
    ['{"n": 20,\n "x": }', 'line 2, column 7: unexpected "}" where a value was expected'],
    ['{n: 1}', 'line 1, column 2: unexpected "n" where a key in double quotes was expected'],
    ['{"a": 1,}', 'line 1, column 9: unexpected "}" where a key in double quotes was expected'],
    ['[1 2]', 'line 1, column 4: unexpected "2" where "," or "]" was expected'],
    ['{"a": 1', 'line 1, column 8: the text ends where "," or "}" was expected'],
    ['"open', 'line 1, column 6: a string is not closed with "'],
    ["'single'", `line 1, column 1: unexpected "'" where a value was expected`],
    ['1 2', 'line 1, column 3: unexpected "2" after the value (only one value is allowed)'],
    ['"a\nb"', 'line 1, column 3: a line break or control character inside a string (write it as \\n)'],
    ['"\\x"', 'line 1, column 3: unknown escape in a string'],
  ])('names where %j goes wrong', (text, where) => {
    expect(parseArgs(text)).toEqual({ ok: false, message: `The args are not valid JSON at ${where}.` });
  });
});
