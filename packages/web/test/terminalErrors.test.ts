import { describe, expect, it } from 'vitest';
import { ApiClientError, ServerUnreachableError } from '@boocode/client';
import { ErrorCode } from '@boocode/contracts';
import { messageFor, terminalErrorText } from '../src/terminal/terminalErrors';

describe('terminal errors in words', () => {
  it('says what happened and what to do, never the code', () => {
    expect(terminalErrorText(new ApiClientError(503, 'tmux_missing', 'tmux is not installed: apt-get install tmux'))).toBe(
      'Terminals are not available: tmux is not installed on the server machine (apt-get install tmux).',
    );
    expect(terminalErrorText(new ServerUnreachableError('http://127.0.0.1:7345', new Error('ECONNREFUSED')))).toMatch(/^Cannot reach the BooCode server/);
    expect(terminalErrorText(new ApiClientError(500, 'internal', 'internal server error'))).toBe('Something went wrong on the server. Try again.');
    // A refusal the UI has no words of its own for keeps the server's sentence.
    expect(messageFor('invalid_request', 'name: must not be empty')).toBe('name: must not be empty');
  });

  it('has no terminal code among its own sentences', () => {
    for (const code of ErrorCode.options) {
      const text = messageFor(code, 'the server says so');
      expect(text, code).not.toContain(code.includes('_') ? code : '\u0000');
      expect(text, code).not.toMatch(/^\{/);
    }
  });
});
