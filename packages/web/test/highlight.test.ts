import { describe, expect, it } from 'vitest';
import { highlightCode, highlightLine, languageOf, languageOfPath } from '../src/markdown/highlight';

const kinds = (line: string, lang: string | null) =>
  highlightLine(line, lang).tokens.map((t) => `${t.kind}:${t.text}`);

describe('highlight', () => {
  it('colours keywords, strings, numbers and comments in TypeScript', () => {
    expect(kinds('const a = "x"; // hi', 'ts')).toEqual([
      'keyword:const',
      'plain: a ',
      'punct:=',
      'plain: ',
      'string:"x"',
      'punct:;',
      'plain: ',
      'comment:// hi',
    ]);
    expect(kinds('x1 = 0x1F', 'ts')).toEqual(['plain:x1 ', 'punct:=', 'plain: ', 'number:0x1F']);
  });

  it('carries block comments and template literals across lines', () => {
    const lines = highlightCode('a /* open\nstill */ b\n`x\ny` z', 'ts');
    expect(lines[1]![0]).toEqual({ kind: 'comment', text: 'still */' });
    expect(lines[3]![0]).toEqual({ kind: 'string', text: 'y`' });
    expect(lines[3]![1]).toEqual({ kind: 'plain', text: ' z' });
  });

  it('does not carry an unterminated ordinary string to the next line', () => {
    const lines = highlightCode('a = "oops\nb = 1', 'py');
    expect(lines[1]![0]).toEqual({ kind: 'plain', text: 'b ' });
  });

  it('handles escapes inside strings', () => {
    expect(kinds(`'it\\'s' x`, 'py')).toEqual([`string:'it\\'s'`, 'plain: x']);
  });

  it('leaves unknown languages plain', () => {
    expect(kinds('const x', null)).toEqual(['plain:const x']);
    expect(languageOf('brainfuck')).toBeNull();
  });

  it('maps aliases and file paths to languages', () => {
    expect(languageOf('TSX')).toBe('ts');
    expect(languageOf('python')).toBe('py');
    expect(languageOfPath('src/a.test.ts')).toBe('ts');
    expect(languageOfPath('db/001_init.sql')).toBe('sql');
    expect(languageOfPath('README')).toBeNull();
  });
});
