export const meta = {
  name: 'bounty-hunt',
  description:
    'Parallel bug hunters search the repository, each for one kind of bug, then every reported bug is checked by an independent agent that tries to confirm it; only confirmed bugs are returned',
  whenToUse: 'looking for real bugs in a codebase or one part of it, when false positives are expensive',
  phases: [
    { title: 'Hunt', detail: 'one hunter per kind of bug, in parallel' },
    { title: 'Check', detail: 'each report checked on its own; unconfirmed ones are dropped' },
  ],
};

// args: {scope?: "the part of the repository to search", kinds?: [kinds of bugs], maxChecks?: 20}
const scope = args && args.scope ? `Search only ${args.scope}.` : 'Search the whole repository.';
const kinds = (args && args.kinds) || [
  'error handling: swallowed errors, unhandled rejections, wrong cleanup on failure',
  'edge cases: empty input, off-by-one, overflow, unicode, missing files',
  'concurrency and lifetimes: races, leaks, use after close, missing awaits',
  'input validation and security: injection, path traversal, trusting external data',
];
const maxChecks = Math.min(Math.max(Number((args && args.maxChecks) || 20), 1), 100);
const readOnly = 'Do not modify any file.';

phase('Hunt');
const hunts = await parallel(
  kinds.map((kind) => () =>
    agent(
      `Hunt for real bugs in this repository (your working directory), of one kind: ${kind}.\n\n${scope} ` +
        'Report only bugs you can point at in the code, with the file, the line and how to trigger them; no style remarks. ' +
        `An empty list is a fine answer. ${readOnly}`,
      {
        label: `hunter: ${kind.split(':')[0]}`,
        schema: {
          type: 'object',
          properties: {
            bugs: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  file: { type: 'string' },
                  line: { type: 'integer' },
                  title: { type: 'string' },
                  trigger: { type: 'string' },
                },
                required: ['file', 'title', 'trigger'],
              },
            },
          },
          required: ['bugs'],
        },
      },
    ),
  ),
);
let reports = hunts.flatMap((h) => (h ? h.bugs : []));
if (reports.length > maxChecks) {
  log(`${reports.length} reports; checking the first ${maxChecks} (raise maxChecks for more)`);
  reports = reports.slice(0, maxChecks);
}
if (reports.length === 0) return { confirmed: [], rejected: 0 };

phase('Check');
const checks = await parallel(
  reports.map((bug, i) => () =>
    agent(
      `Someone reported this bug in the repository in your working directory. Check it independently: read the code, ` +
        'follow the trigger, and confirm it only if the bug is real and reachable. You may run commands to reproduce it, ' +
        `but leave no changes behind. ${readOnly}\n\n${bug.title}\nWhere: ${bug.file}${bug.line ? `:${bug.line}` : ''}\nTrigger: ${bug.trigger}`,
      {
        label: `check ${i + 1}`,
        schema: {
          type: 'object',
          properties: { confirmed: { type: 'boolean' }, reason: { type: 'string' } },
          required: ['confirmed', 'reason'],
        },
      },
    ),
  ),
);
const confirmed = reports.flatMap((bug, i) => (checks[i] && checks[i].confirmed ? [{ ...bug, reason: checks[i].reason }] : []));
return { confirmed, rejected: reports.length - confirmed.length };
