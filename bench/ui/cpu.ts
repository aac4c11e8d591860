// Main-thread work of the page, which busy cores disturb far less than frame rates or wall-clock
// times: Chromium's own counters (CDP `Performance.getMetrics`), and React commits counted by a
// stand-in for the DevTools hook that React calls in production builds too (nothing is added to
// the app).
import type { BrowserContext, Page } from 'playwright-core';
import { reactCommitHook } from '../../packages/web/e2e/helpers/react-hook.js';

export interface CpuWork {
  /** All main-thread tasks, ms. */
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  /** React commits (renders that reached the DOM). */
  commits: number;
}

const METRICS = { taskMs: 'TaskDuration', scriptMs: 'ScriptDuration', layoutMs: 'LayoutDuration', styleMs: 'RecalcStyleDuration' } as const;

/**
 * Installs the commit counter before any page script runs: React looks the hook up once, when it
 * loads. `window.__benchCommits` counts `onCommitFiberRoot` calls.
 */
export async function countReactCommits(context: BrowserContext): Promise<void> {
  await context.addInitScript(reactCommitHook('window.__benchCommits = 0;', 'window.__benchCommits++;'));
}

/**
 * Starts counting the page's main-thread work; the returned function gives what was done since.
 * Performance collection starts here, so call it once the page is on the origin it measures
 * (a navigation to another site may move the page to a new renderer with fresh counters).
 */
export async function startCpu(page: Page): Promise<() => Promise<CpuWork>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const read = async (): Promise<CpuWork> => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const byName = new Map(metrics.map((m) => [m.name, m.value]));
    const seconds = (name: string) => (byName.get(name) ?? 0) * 1000;
    const commits = (await page.evaluate('window.__benchCommits ?? 0')) as number;
    return {
      taskMs: seconds(METRICS.taskMs),
      scriptMs: seconds(METRICS.scriptMs),
      layoutMs: seconds(METRICS.layoutMs),
      styleMs: seconds(METRICS.styleMs),
      commits,
    };
  };
  const start = await read();
  return async () => cpuBetween(start, await read());
}

const KEYS = ['taskMs', 'scriptMs', 'layoutMs', 'styleMs', 'commits'] as const;
const each = (fn: (k: (typeof KEYS)[number]) => number): CpuWork => Object.fromEntries(KEYS.map((k) => [k, fn(k)])) as unknown as CpuWork;

/** The work done from `a` to `b` (two readings, or two totals since the same start). */
export const cpuBetween = (a: CpuWork, b: CpuWork): CpuWork => each((k) => b[k] - a[k]);

/** `w` per unit of what it was done for (per page fetched, per 1,000 deltas). */
export const cpuPer = (w: CpuWork, units: number): CpuWork => each((k) => w[k] / units);
