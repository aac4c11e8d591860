import { describe, expect, it } from 'vitest';
import { TerminalText } from '../../src/pty/terminal-text.js';
import { fillTemplate, templateProblems } from '../../src/pty/template.js';

/** Everything the cleaner gives out for `chunks`, as a caller streaming it would see it. */
function clean(chunks: string[], flushAfter: number[] = []): string {
  const t = new TerminalText();
  let out = '';
  chunks.forEach((c, i) => {
    out += t.push(c);
    if (flushAfter.includes(i)) out += t.flushPartial();
  });
  return out + t.end();
}

describe('terminal output as chat text', () => {
  it('drops colours, titles and cursor moves, keeping the text', () => {
    expect(clean(['\x1b[1;32mok\x1b[0m done\n', '\x1b]0;my title\x07plain\x1b[?25l\n', '\x1b(Bcharset\n'])).toBe('ok done\nplain\ncharset\n');
  });

  it('gives out a progress line redrawn with carriage returns only as it last stood', () => {
    expect(clean(['progress 10%\rprogress 50%', '\r\x1b[2Kprogress 100%\r\n', 'next\n'])).toBe('progress 100%\nnext\n');
  });

  it('keeps an escape sequence cut between two chunks whole', () => {
    expect(clean(['red \x1b[3', '1mtext\x1b', '[0m end\n'])).toBe('red text end\n');
  });

  it('never garbles a line redrawn after its start was given out: the redraw goes on a new line', () => {
    expect(clean(['working 1', '\rworking 2\n'], [0])).toBe('working 1\nworking 2\n');
  });

  it('gives out a partial line when asked, and keeps it going without a break', () => {
    expect(clean(['Continue? ', '[y/n]\n'], [0])).toBe('Continue? [y/n]\n');
  });

  it('keeps tabs and unicode, drops other control characters, honours backspace', () => {
    expect(clean(['a\tb é ✓\x07\x00\n', 'abc\bd\n'])).toBe('a\tb é ✓\nabd\n');
  });
});

describe('argument templates', () => {
  const values = { prompt: 'fix the bug', model: 'gpt-x', worktree: '/w' };

  it('fills each placeholder inside one argument, never splitting it', () => {
    expect(fillTemplate(['--message', '{prompt}', '--model={model}', '--cwd', '{worktree}'], values)).toEqual([
      '--message',
      'fix the bug',
      '--model=gpt-x',
      '--cwd',
      '/w',
    ]);
    expect(fillTemplate(['{prompt}'], { ...values, prompt: '$(rm -rf /); {model}' })).toEqual(['$(rm -rf /); {model}']);
  });

  it('leaves out a model argument, and the flag before it, when the session has no model', () => {
    expect(fillTemplate(['-p', '{prompt}', '--model', '{model}', '--yes'], { ...values, model: null })).toEqual(['-p', 'fix the bug', '--yes']);
    expect(fillTemplate(['--model={model}', '{prompt}'], { ...values, model: null })).toEqual(['fix the bug']);
  });

  it('names unknown placeholders and a missing prompt', () => {
    expect(templateProblems(['--message', '{prompt}'])).toEqual([]);
    expect(templateProblems(['--message', '{promt}'])).toEqual([
      'unknown placeholder {promt} in "{promt}" (known: {prompt}, {model}, {worktree})',
      'no argument holds {prompt}: the command would never see the message',
    ]);
  });
});
