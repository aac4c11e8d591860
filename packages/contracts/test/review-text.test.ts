import { describe, expect, it } from 'vitest';
import { mergeMessageFrom, pullRequestFrom } from '../src/review-text.js';

describe('mergeMessageFrom', () => {
  it("writes the merge commit message from the session's requests", () => {
    expect(mergeMessageFrom([])).toBe('');
    expect(mergeMessageFrom(['  Fix the port\nplease, it is 8080  '])).toBe('Fix the port');
    expect(mergeMessageFrom(['Fix the port', 'Review comments on your changes:\n…', `Add tests ${'x'.repeat(120)}`])).toBe(
      `Fix the port\n\n- Fix the port\n- Add tests ${'x'.repeat(89)}…`,
    );
    expect(mergeMessageFrom(['y'.repeat(80)])).toBe(`${'y'.repeat(71)}…`);
  });
});

describe('pullRequestFrom', () => {
  it('takes the first request as the title and lists every request in the description', () => {
    expect(pullRequestFrom([])).toEqual({ title: 'Changes from a BooCode session', body: '' });
    expect(pullRequestFrom(['Review comments on your changes:\nx'])).toEqual({ title: 'Changes from a BooCode session', body: '' });
    expect(pullRequestFrom(['Fix the port'])).toEqual({ title: 'Fix the port', body: '' });
    expect(pullRequestFrom(['Fix the port', 'Review comments on your changes:\nx', 'Add a test'])).toEqual({
      title: 'Fix the port',
      body: '- Fix the port\n- Add a test',
    });
  });
});
