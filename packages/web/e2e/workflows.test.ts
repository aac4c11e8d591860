import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startFakeLlm, type FakeLlm, type ScriptedTurn } from '@boocode/testkit';
import { makeGitRepo } from '@boocode/testkit/server';
import { openBrowser, type Browser } from './helpers/browser';
import { screenshotBothThemes } from './helpers/screenshots';
import { logIn, startBoocode, type RunningBoocode } from './helpers/server';
import { addProject, newSession } from './helpers/ui';

/**
 * Workflows in Chromium against a real server, the native agent playing every workflow agent
 * through the fake LLM: launching a built-in with args, a 20-agent run watched to the end, one
 * agent's transcript, a bad args JSON, cancelling a run mid-way (and one agent of it), and
 * resuming it with the cached agents marked.
 */

/** 20 agents in one phase, then one that sums up: the run's result is an object. */
const FAN_OUT = `export const meta = {
  name: 'fan-out',
  description: 'Asks twenty agents at once, then one to sum up',
  whenToUse: 'to watch many agents at once',
  phases: ['Fan out', 'Sum up'],
};
phase('Fan out');
log('starting', args.n, 'agents');
const items = await parallel(Array.from({ length: args.n }, (_, i) => () => agent('fan [item ' + i + ']', { label: 'worker ' + i })));
log('all', items.length, 'answered');
phase('Sum up');
const summary = await agent('sum up [' + items.join(', ') + ']', { label: 'summarizer' });
return { items, summary };
`;

/** Three quick agents, then two slow ones: cancelled while the slow ones run, then resumed. */
const SLOW = `export const meta = { name: 'quick-then-slow', description: 'Three quick agents, then two slow ones', phases: ['Quick', 'Slow'] };
phase('Quick');
const quick = await parallel([0, 1, 2].map((i) => () => agent('quick [' + i + ']', { label: 'quick ' + i })));
phase('Slow');
const slow = await parallel([0, 1].map((i) => () => agent('slow [' + i + ']', { label: 'slow ' + i })));
return { quick, slow };
`;

const answer = (lastUserIncludes: string, value: unknown): ScriptedTurn => ({
  match: { lastUserIncludes },
  text: typeof value === 'string' ? value : JSON.stringify(value),
});

const panel = (page: Page) => page.getByRole('complementary', { name: 'Workflows' });
const agentRow = (page: Page, label: string) => panel(page).getByRole('row', { name: new RegExp(`^${label}, `) });
const runStatus = (page: Page) => panel(page).locator('.wf-run-status').first();

async function launch(page: Page, name: string, args: string): Promise<void> {
  const back = panel(page).getByRole('button', { name: '← All runs' });
  if (await back.isVisible()) await back.click();
  await panel(page).getByRole('tab', { name: 'Launch' }).click();
  await panel(page).getByRole('button', { name: new RegExp(`^${name}`) }).click();
  const form = panel(page).getByRole('form', { name: `Run ${name}` });
  await form.getByLabel('Args (JSON)').fill(args);
  await form.getByRole('button', { name: `Run ${name}` }).click();
  await panel(page).getByTestId('workflow-run').waitFor();
}

describe('workflows in Chromium', () => {
  let llm: FakeLlm;
  let server: RunningBoocode;
  let browser: Browser;
  let repo: string;

  beforeAll(async () => {
    llm = await startFakeLlm();
    [server, browser, repo] = await Promise.all([
      startBoocode({ env: { BOOCODE_NATIVE_BASE_URL: llm.url, BOOCODE_NATIVE_MODEL: 'fake-model' } }),
      openBrowser(),
      makeGitRepo(
        {
          'README.md': '# greeter\nSays hello.\n',
          'src/greet.js': 'export function greet(name) {\n  return "hello " + name;\n}\n',
          '.boocode/workflows/fan-out.js': FAN_OUT,
          '.boocode/workflows/quick-then-slow.js': SLOW,
        },
        'demo',
      ),
    ]);
    // Twenty agents streaming at once keep a busy machine's page slow to screenshot.
    browser.context.setDefaultTimeout(30_000);
    await logIn(browser.page, server);
    await addProject(browser.page, repo);
    await newSession(browser.page, 'demo');
    await browser.page.getByRole('button', { name: 'Show workflows' }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await llm?.close();
  });

  it('shows the catalog and refuses a bad args JSON with a readable message', async () => {
    const { page } = browser;
    const p = panel(page);
    // No run yet: the panel opens on the launcher, with every source's workflows.
    const plan = p.getByRole('button', { name: /^plan-verify/ });
    await plan.waitFor();
    expect(await plan.textContent()).toContain('built-in');
    const fan = p.getByRole('button', { name: /^fan-out/ });
    expect(await fan.textContent()).toContain('When to use: to watch many agents at once');
    expect(await fan.getByLabel('Phases').textContent()).toBe('Fan outSum up');
    expect(await fan.locator('.wf-source').textContent()).toBe('project');

    await fan.click();
    const form = p.getByRole('form', { name: 'Run fan-out' });
    await form.getByLabel('Args (JSON)').fill('{"n": 20,\n "x": }');
    await form.getByRole('button', { name: 'Run fan-out' }).click();
    const alert = form.getByRole('alert');
    expect(await alert.textContent()).toBe('The args are not valid JSON at line 2, column 7: unexpected "}" where a value was expected.');
    expect(await form.getByLabel('Args (JSON)').getAttribute('aria-invalid')).toBe('true');
    // Nothing was started.
    expect(await p.getByRole('tab', { name: 'Runs' }).textContent()).toBe('Runs');
    await screenshotBothThemes(page, 'workflow-launcher');

    // A budget that is not a number is refused too, naming it.
    await form.getByLabel('Args (JSON)').fill('{"n": 20}');
    await form.getByLabel('Budget (output tokens)').fill('lots');
    await form.getByRole('button', { name: 'Run fan-out' }).click();
    expect(await form.getByRole('alert').textContent()).toContain('The budget is a whole number of output tokens');
    await form.getByLabel('Budget (output tokens)').fill('');
  });

  it('launches a built-in with args and renders its result as a tree', async () => {
    const { page } = browser;
    llm.push(
      answer('Plan this change', { steps: ['add farewell() to src/greet.js'], checks: ['node --check src/greet.js'] }),
      answer('Implement this change', 'Added farewell().'),
      answer('Verify a change made for', { ok: true, problems: [] }),
    );
    await launch(page, 'plan-verify', '"Add a farewell function"');
    await expect.poll(() => runStatus(page).textContent(), { timeout: 60_000 }).toBe('completed');
    for (const label of ['planner', 'implementer', 'verifier']) {
      expect(await agentRow(page, label).locator('.wf-status').textContent()).toBe('done');
    }
    // The session's agent ran it (the session names no model: the agent's default).
    expect(await agentRow(page, 'planner').locator('.wf-agent__meta').textContent()).toBe('native');
    const result = panel(page).getByRole('region', { name: 'Result' });
    await result.locator('.json-tree__key', { hasText: 'ok' }).first().waitFor();
    expect(await result.textContent()).toContain('add farewell() to src/greet.js');
  });

  it('watches a 20-agent run complete, then opens one agent and sees its transcript', async () => {
    const { page } = browser;
    for (let i = 0; i < 20; i++) {
      llm.push({ match: { lastUserIncludes: `fan [item ${i}]` }, text: ['done ', `${i}`], chunkDelayMs: 2500, usage: { prompt_tokens: 50, completion_tokens: 3 } });
    }
    llm.push({ match: { lastUserIncludes: 'sum up [' }, text: 'All **twenty** answered.', usage: { prompt_tokens: 80, completion_tokens: 5 } });
    await launch(page, 'fan-out', '{"n": 20}');
    // Live: rows appear as agents start, before the run ends.
    await agentRow(page, 'worker 0').waitFor();
    await expect.poll(() => runStatus(page).textContent()).toMatch(/running|waiting to start/);
    await screenshotBothThemes(page, 'workflow-running');

    await expect.poll(() => runStatus(page).textContent(), { timeout: 90_000 }).toBe('completed');
    const progress = panel(page).getByLabel('Progress');
    expect(await progress.textContent()).toContain('21 / 21 / 1000 agents done / started / limit');
    // Rows are virtualized: the second phase renders once scrolled to.
    const scroller = panel(page).getByTestId('workflow-run');
    expect(await panel(page).getByRole('row').count()).toBeLessThan(23);
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await agentRow(page, 'summarizer').waitFor();
    expect(await panel(page).locator('.wf-phase__title').allTextContents()).toContain('Sum up');
    expect(await agentRow(page, 'summarizer').locator('.wf-status').textContent()).toBe('done');
    await scroller.evaluate((el) => (el.scrollTop = 0));
    await agentRow(page, 'worker 7').waitFor();
    expect(await agentRow(page, 'worker 7').locator('.wf-agent__tokens').textContent()).toBe('50 in · 3 out');
    const log = panel(page).getByRole('region', { name: 'Log' });
    expect(await log.locator('li').allTextContents()).toEqual(['starting 20 agents', 'all 20 answered']);
    const result = panel(page).getByRole('region', { name: 'Result' });
    expect(await result.locator('.json-tree__key', { hasText: 'summary' }).count()).toBe(1);
    expect(await result.textContent()).toContain('"All **twenty** answered."');
    await screenshotBothThemes(page, 'workflow-finished');

    // Drill down: the agent's own chat, with its prompt and reply.
    await agentRow(page, 'worker 3').getByRole('button', { name: 'worker 3' }).click();
    const detail = panel(page).locator('.wf-agent-detail');
    await detail.getByRole('article', { name: /^Agent/ }).locator('.markdown', { hasText: 'done 3' }).waitFor();
    expect(await detail.textContent()).toContain('fan [item 3]');
    await detail.getByRole('tab', { name: 'Tool calls' }).click();
    await detail.getByRole('tab', { name: 'Tool calls', selected: true }).waitFor();
    await detail.getByRole('tab', { name: 'Transcript' }).click();
    await screenshotBothThemes(page, 'workflow-agent');
    await panel(page).getByRole('button', { name: '← fan-out' }).click();
    await panel(page).getByRole('button', { name: '← All runs' }).click();
    expect(await panel(page).getByRole('list', { name: 'Runs' }).getByRole('listitem').count()).toBe(2);
  }, 180_000);

  it('cancels one agent and then the run mid-way, and resumes it with the finished agents from cache', async () => {
    const { page } = browser;
    for (let i = 0; i < 3; i++) llm.push(answer(`quick [${i}]`, `q${i}`));
    for (let i = 0; i < 2; i++) llm.push({ match: { lastUserIncludes: `slow [${i}]` }, text: Array.from({ length: 200 }, (_, k) => `s${k} `), chunkDelayMs: 100 });
    await launch(page, 'quick-then-slow', '');
    await expect.poll(() => agentRow(page, 'slow 1').locator('.wf-status').textContent(), { timeout: 60_000 }).toBe('running');
    // One agent: its call resolves to null and the rest go on.
    await agentRow(page, 'slow 1').getByRole('button', { name: 'Stop slow 1' }).click();
    await expect.poll(() => agentRow(page, 'slow 1').locator('.wf-status').textContent(), { timeout: 30_000 }).toBe('cancelled');
    expect(await agentRow(page, 'slow 0').locator('.wf-status').textContent()).toBe('running');
    expect(await panel(page).getByRole('button', { name: 'Resume' }).isDisabled()).toBe(true);

    await panel(page).getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => runStatus(page).textContent(), { timeout: 30_000 }).toBe('cancelled');
    expect(await panel(page).getByRole('button', { name: 'Cancel run' }).isDisabled()).toBe(true);
    // Stopped with the run.
    expect(await agentRow(page, 'slow 0').locator('.wf-status').textContent()).toBe('cancelled');
    expect(await agentRow(page, 'slow 0').locator('.wf-agent__meta').textContent()).toContain('the run ended');

    for (let i = 0; i < 2; i++) llm.push(answer(`slow [${i}]`, `s${i}`));
    await panel(page).getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => panel(page).locator('.wf-run__meta').textContent()).toContain('resumed from an earlier run');
    await expect.poll(() => runStatus(page).textContent(), { timeout: 60_000 }).toBe('completed');
    for (let i = 0; i < 3; i++) {
      const row = agentRow(page, `quick ${i}`);
      expect(await row.locator('.wf-status').textContent()).toBe('cached');
      expect(await row.locator('.wf-cached').textContent()).toBe('from cache');
    }
    for (let i = 0; i < 2; i++) expect(await agentRow(page, `slow ${i}`).locator('.wf-status').textContent()).toBe('done');
    expect(await panel(page).getByLabel('Progress').textContent()).toContain('3 from cache');
    // The quick agents did not ask the model again.
    expect(llm.requests.filter((r) => r.lastUserText.includes('quick [0]'))).toHaveLength(1);
  });

  it('fits a phone screen', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const rightEdge = () => panel(page).evaluate((el) => el.getBoundingClientRect().right);
      await expect.poll(rightEdge).toBeLessThanOrEqual(390);
      await agentRow(page, 'quick 0').waitFor();
      const rowRight = await agentRow(page, 'quick 0').evaluate((el) => el.getBoundingClientRect().right);
      expect(rowRight).toBeLessThanOrEqual(390);
      await screenshotBothThemes(page, 'workflow-390');
      await panel(page).getByRole('button', { name: '← All runs' }).click();
      await panel(page).getByRole('tab', { name: 'Launch' }).click();
      await panel(page).getByRole('button', { name: /^fan-out/ }).click();
      await screenshotBothThemes(page, 'workflow-launcher-390');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
