import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SilenceWatchdog, spokenDuration } from '../../src/acp/silence.js';

/** The silence clock on fake timers: what counts as a word from the agent, and when the clock stands still. */

let said: string[];
const watch = (ms: number): SilenceWatchdog => new SilenceWatchdog(ms, { quiet: () => said.push('quiet'), stillQuiet: () => said.push('still quiet') });

beforeEach(() => {
  said = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SilenceWatchdog', () => {
  it('tells after one period of silence and gives up after a second', () => {
    watch(1000);
    vi.advanceTimersByTime(999);
    expect(said).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(said).toEqual(['quiet']);
    vi.advanceTimersByTime(1000);
    expect(said).toEqual(['quiet', 'still quiet']);
    vi.advanceTimersByTime(10_000);
    expect(said).toEqual(['quiet', 'still quiet']);
  });

  it('starts over on any word, also after it has told', () => {
    const w = watch(1000);
    vi.advanceTimersByTime(900);
    w.heard();
    vi.advanceTimersByTime(900);
    expect(said).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(said).toEqual(['quiet']);
    w.heard();
    vi.advanceTimersByTime(999);
    expect(said).toEqual(['quiet']);
    vi.advanceTimersByTime(1);
    expect(said).toEqual(['quiet', 'quiet']);
  });

  it('stands still while a question waits on the user, and starts over when it is answered', () => {
    const w = watch(1000);
    const answered = w.waitOnUser();
    vi.advanceTimersByTime(60_000);
    expect(said).toEqual([]);
    answered();
    answered();
    vi.advanceTimersByTime(999);
    expect(said).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(said).toEqual(['quiet']);
  });

  it('says nothing once stopped', () => {
    const w = watch(1000);
    w.stop();
    w.heard();
    vi.advanceTimersByTime(5000);
    expect(said).toEqual([]);
  });
});

describe('spokenDuration', () => {
  it('says minutes and seconds as a person would', () => {
    expect([600_000, 60_000, 90_000, 1000, 1500, 3000].map(spokenDuration)).toEqual(['10 minutes', '1 minute', '1.5 minutes', '1 second', '1.5 seconds', '3 seconds']);
  });
});
