import { describe, expect, it } from 'vitest';
import { backoffDelay } from '@boocode/client';

describe('backoffDelay', () => {
  const opts = (r: number) => ({ initialMs: 500, maxMs: 8000, random: () => r });

  it('doubles per attempt between half and the full ceiling', () => {
    expect(backoffDelay(0, opts(0))).toBe(250);
    expect(backoffDelay(0, opts(1))).toBe(500);
    expect(backoffDelay(1, opts(0))).toBe(500);
    expect(backoffDelay(3, opts(1))).toBe(4000);
  });

  it('is capped at maxMs however many attempts failed', () => {
    expect(backoffDelay(50, opts(1))).toBe(8000);
    expect(backoffDelay(50, opts(0))).toBe(4000);
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, opts(1))).toBe(500);
  });
});
