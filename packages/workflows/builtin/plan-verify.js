export const meta = {
  name: 'plan-verify',
  description:
    'Makes a change in three steps: a planner writes a plan with the checks that prove it, an implementer carries it out, a verifier runs the checks; what fails goes back to a fixer, a bounded number of times',
  whenToUse: 'a change that is clear enough to plan and has a way to check it (tests, a build, a command)',
  phases: [
    { title: 'Plan', detail: 'steps and the checks that prove the change works' },
    { title: 'Implement' },
    { title: 'Verify', detail: 'run the checks, read the diff' },
    { title: 'Fix', detail: 'only what verification found; at most maxFixes rounds' },
  ],
};

// args: "what to do" or {task, maxFixes?: fix rounds (default 2)}
const task = typeof args === 'string' ? args : args && args.task;
if (typeof task !== 'string' || task.trim() === '') {
  throw new Error('plan-verify needs a task: args = "..." or {"task": "..."}');
}
const maxFixes = Math.min(Math.max(Number(args && args.maxFixes !== undefined ? args.maxFixes : 2), 0), 5);

phase('Plan');
const plan = await agent(
  `Plan this change to the repository in your working directory:\n\n${task}\n\n` +
    'Read the code it touches first. Give the steps, and the checks that prove the change works: commands to run ' +
    '(tests, build, lint) and what to look for. Do not modify any file yet.',
  {
    label: 'planner',
    schema: {
      type: 'object',
      properties: {
        steps: { type: 'array', items: { type: 'string' }, minItems: 1 },
        checks: { type: 'array', items: { type: 'string' } },
      },
      required: ['steps', 'checks'],
    },
  },
);
if (plan === null) throw new Error('the planner stopped before answering');
const planText = `Steps:\n${plan.steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}\n\nChecks:\n${plan.checks.map((c) => `- ${c}`).join('\n')}`;

phase('Implement');
const implemented = await agent(`Implement this change: ${task}\n\nFollow the plan:\n${planText}\n\nSay briefly what you changed.`, {
  label: 'implementer',
});
if (implemented === null) return { ok: false, plan, problems: ['the implementer stopped before finishing'], fixRounds: 0 };

const verifySchema = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, problems: { type: 'array', items: { type: 'string' } } },
  required: ['ok', 'problems'],
};
const verify = (round) =>
  agent(
    `Verify a change made for: ${task}\n\nRun the checks of its plan and read the diff (\`git diff\`, \`git status --short\`). ` +
      `ok is true only if every check passes and the change does what was asked. Do not modify any file.\n\n${planText}`,
    { label: round === 0 ? 'verifier' : `verifier ${round + 1}`, schema: verifySchema },
  );

phase('Verify');
let verdict = await verify(0);
let fixRounds = 0;
while (verdict && !verdict.ok && fixRounds < maxFixes) {
  fixRounds++;
  phase('Fix');
  await agent(
    `A change made for "${task}" failed verification. Fix exactly these problems, nothing else:\n` +
      verdict.problems.map((p) => `- ${p}`).join('\n'),
    { label: `fixer ${fixRounds}` },
  );
  phase('Verify');
  verdict = await verify(fixRounds);
}
return {
  ok: Boolean(verdict && verdict.ok),
  plan,
  problems: verdict ? verdict.problems : ['the verifier did not answer'],
  fixRounds,
};
