export const meta = {
  name: 'multi-review',
  description:
    "Reviews the session's pending change with parallel reviewers, each through one lens (correctness, security, tests, design), then a verifier checks every finding against the code and drops the false ones",
  whenToUse: "before applying or merging a session's change, or whenever a change needs more than one pair of eyes",
  phases: [
    { title: 'Review', detail: 'one reviewer per lens, in parallel' },
    { title: 'Verify', detail: 'each finding checked against the code; false ones dropped' },
  ],
};

// args: {base?: the commit the change is taken against (default HEAD: the uncommitted work),
//        lenses?: [{name, focus}]}
const base = (args && args.base) || 'HEAD';
const lenses = (args && args.lenses) || [
  { name: 'correctness', focus: 'logic errors, wrong conditions, unhandled cases, broken invariants, regressions' },
  { name: 'security', focus: 'injection, path traversal, unsafe input handling, secrets, missing authorization checks' },
  { name: 'tests', focus: 'behaviour the change adds or alters that no test covers, and tests that cannot fail' },
  { name: 'design', focus: 'duplication, dead code, misleading names or comments, a simpler way to do the same' },
];
const change =
  `The change under review is this worktree's pending change: everything that differs from ${base}. ` +
  `See it with \`git diff ${base}\` and \`git status --short\` (new, untracked files are part of it), ` +
  'and read the changed files around the edits. Do not modify any file.';
const findingsSchema = {
  type: 'object',
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          file: { type: 'string' },
          line: { type: 'integer' },
          severity: { enum: ['high', 'medium', 'low'] },
          problem: { type: 'string' },
          fix: { type: 'string' },
        },
        required: ['file', 'severity', 'problem'],
      },
    },
  },
  required: ['findings'],
};

phase('Review');
const reviews = await parallel(
  lenses.map((lens) => () =>
    agent(
      `Review a code change for ${lens.name}: ${lens.focus}.\n\n${change}\n\n` +
        'Report only real problems in the changed code, each with its file and line. An empty list is a fine answer.',
      { label: `review: ${lens.name}`, schema: findingsSchema },
    ),
  ),
);
const findings = reviews.flatMap((r, i) => (r ? r.findings.map((f) => ({ ...f, lens: lenses[i].name })) : []));
const silent = lenses.filter((_, i) => reviews[i] === null).map((l) => l.name);
if (silent.length > 0) log(`no review from: ${silent.join(', ')}`);
if (findings.length === 0) return { findings: [], dropped: 0, missingReviews: silent };

phase('Verify');
const verdict = await agent(
  `Reviewers reported the findings below on a code change. ${change}\n\n` +
    'Check each finding against the code. Keep a finding only if the problem is real and in the change; drop false alarms, ' +
    'duplicates and matters of taste. Answer with the numbers of the findings to keep.\n\n' +
    findings.map((f, i) => `${i}. [${f.lens}, ${f.severity}] ${f.file}${f.line ? `:${f.line}` : ''}: ${f.problem}`).join('\n'),
  {
    label: 'verifier',
    schema: {
      type: 'object',
      properties: { keep: { type: 'array', items: { type: 'integer', minimum: 0 } }, notes: { type: 'string' } },
      required: ['keep'],
    },
  },
);
if (verdict === null) return { findings, dropped: 0, unverified: true, missingReviews: silent };
const kept = findings.filter((_, i) => verdict.keep.includes(i));
return { findings: kept, dropped: findings.length - kept.length, missingReviews: silent };
