export const meta = {
  name: 'deep-research',
  description:
    'Answers a question about the repository: a planner splits it into areas, researchers fan out over the code and the docs, a checker verifies every claim against the source, and one sourced answer is written',
  whenToUse:
    'a question whose answer is spread over many files ("how does X work", "where is Y decided", "what breaks if Z changes"), when a sourced answer matters more than a quick one',
  phases: [
    { title: 'Plan', detail: 'split the question into areas of the codebase and docs' },
    { title: 'Research', detail: 'one researcher per area, each claim with the file and lines it rests on' },
    { title: 'Verify', detail: "each area's claims checked against the source; unsupported ones are dropped" },
    { title: 'Synthesize', detail: 'one answer from the verified claims' },
  ],
};

// args: "the question" or {question, areas?: max areas (default 5)}
const question = typeof args === 'string' ? args : args && args.question;
if (typeof question !== 'string' || question.trim() === '') {
  throw new Error('deep-research needs a question: args = "..." or {"question": "..."}');
}
const maxAreas = Math.min(Math.max(Number((args && args.areas) || 5), 1), 12);
const readOnly = 'Do not modify, create or delete any file: this is research only.';

phase('Plan');
const plan = await agent(
  `You are planning research on this repository (your working directory) to answer:\n\n${question}\n\n` +
    `Look at the layout (README, docs/, the source tree) and split the question into at most ${maxAreas} areas that can be ` +
    `researched independently: parts of the code, docs or tests where the answer lives. ${readOnly}`,
  {
    label: 'planner',
    schema: {
      type: 'object',
      properties: {
        areas: {
          type: 'array',
          minItems: 1,
          maxItems: maxAreas,
          items: {
            type: 'object',
            properties: { title: { type: 'string' }, focus: { type: 'string' } },
            required: ['title', 'focus'],
          },
        },
      },
      required: ['areas'],
    },
  },
);
if (plan === null) throw new Error('the planner stopped before answering');

const claimSchema = {
  type: 'object',
  properties: {
    claims: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          claim: { type: 'string' },
          source: { type: 'string', description: 'path:line-range the claim rests on' },
        },
        required: ['claim', 'source'],
      },
    },
  },
  required: ['claims'],
};

// No barrier between research and verification: each area is checked as soon as it is researched
// (so the agents name their phase themselves rather than through phase()).
phase('Research');
const checked = await pipeline(
  plan.areas,
  (area) =>
    agent(
      `Research one area of this repository to help answer: ${question}\n\nArea: ${area.title}\nFocus: ${area.focus}\n\n` +
        'Read the relevant code, docs and tests. Report what you found as claims, each with the file and line range it rests on ' +
        `(path:start-end). Only claims you read in the source, no guesses. ${readOnly}`,
      { label: `research: ${area.title}`, phase: 'Research', schema: claimSchema },
    ),
  (found, area) => {
    if (found.claims.length === 0) return { claims: [] };
    return agent(
      `Check each claim below against the source it cites, in this repository. Keep a claim only if the cited code or doc ` +
        `really supports it; correct the source if it is elsewhere. ${readOnly}\n\nArea: ${area.title}\n\n` +
        found.claims.map((c, i) => `${i + 1}. ${c.claim} (${c.source})`).join('\n'),
      { label: `verify: ${area.title}`, phase: 'Verify', schema: claimSchema },
    );
  },
);

const verified = checked.filter(Boolean).flatMap((c) => c.claims);
if (verified.length === 0) return { question, answer: null, claims: [], note: 'no claim survived verification' };

phase('Synthesize');
const answer = await agent(
  `Answer this question about the repository from the verified findings below. Cite the sources (path:lines) inline; ` +
    `say plainly what the findings do not cover. ${readOnly}\n\nQuestion: ${question}\n\nVerified findings:\n` +
    verified.map((c) => `- ${c.claim} (${c.source})`).join('\n'),
  { label: 'synthesis' },
);
return { question, answer, claims: verified };
