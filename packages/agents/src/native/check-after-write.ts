import type { Env } from '../external/env.js';
import type { SandboxPolicy } from '../sandbox/index.js';
import { execNoShell } from './tools/exec.js';

/** Runs the project check after a writing step and words a failure as a note for the model. */

export interface CheckPlan {
  command: string[];
  timeoutMs: number;
}

export interface CheckOutcome {
  passed: boolean;
  /** One line for the UI, e.g. "npm run typecheck: exit 2". */
  summary: string;
  /** Capped output (head and tail) of the command. */
  output: string;
}

/** The note is read by the model on its next step; head + tail keep the first errors and the summary. */
const NOTE_HEAD_CHARS = 6000;
const NOTE_TAIL_CHARS = 2000;

function clip(text: string): string {
  if (text.length <= NOTE_HEAD_CHARS + NOTE_TAIL_CHARS) return text;
  const cut = text.length - NOTE_HEAD_CHARS - NOTE_TAIL_CHARS;
  return `${text.slice(0, NOTE_HEAD_CHARS)}\n[... ${cut} characters cut ...]\n${text.slice(-NOTE_TAIL_CHARS)}`;
}

export async function runCheck(
  plan: CheckPlan,
  root: string,
  signal: AbortSignal,
  env: { base: Env; hidden: readonly string[]; sandbox?: SandboxPolicy },
): Promise<CheckOutcome> {
  const [program, ...args] = plan.command;
  const shown = plan.command.join(' ');
  if (!program) return { passed: true, summary: 'no check command', output: '' };
  const r = await execNoShell(program, args, { cwd: root, timeoutMs: plan.timeoutMs, signal, keepChars: 256 * 1024, env: env.base, hiddenEnv: env.hidden, sandbox: env.sandbox });
  const output = clip([r.stdout, r.stderr].filter((s) => s.trim()).join('\n').trim());
  if (r.refused) return { passed: true, summary: `${shown}: not run (${r.refused})`, output: '' };
  if (r.spawnError) {
    // A missing package manager is the environment's problem, not the model's: do not nag it.
    return { passed: true, summary: `${shown}: could not start (${r.spawnError}); check skipped`, output: '' };
  }
  if (r.timedOut) return { passed: false, summary: `${shown}: timed out after ${plan.timeoutMs} ms`, output };
  if (r.cancelled) return { passed: true, summary: `${shown}: cancelled`, output };
  if (r.exitCode === 0) return { passed: true, summary: `${shown}: passed`, output };
  return { passed: false, summary: `${shown}: exit ${r.exitCode ?? r.signal ?? 'unknown'}`, output };
}

export function checkNote(plan: CheckPlan, outcome: CheckOutcome): string {
  return (
    `[BooCode check-after-write] The project check \`${plan.command.join(' ')}\` failed after your last file changes ` +
    `(${outcome.summary}). Fix the problems below, then continue.\n\n${outcome.output || '(no output)'}`
  );
}
