import type { ClaimedTurn } from '../../db/tasks.js';
import type { RunnerDeps } from './context.js';
import { dispatchTurn } from './dispatch.js';
import { prepareTurn } from './prepare.js';
import { recordTurn } from './record.js';
import { settleTurn } from './settle.js';

/**
 * Runs one claimed task as a turn: prepare (check what the claim read, open the assistant message) ->
 * dispatch (workspace, backend, prompt) -> record (agent session, diff) -> settle (message,
 * usage, task row, frames). Never throws for the turn's own failures: every ending is written
 * to the task row.
 */
export async function runTurn(deps: RunnerDeps, claimed: ClaimedTurn, signal: AbortSignal): Promise<void> {
  const turn = await prepareTurn(deps, claimed);
  if (!turn) return;
  const dispatched = await dispatchTurn(turn, signal);
  if (dispatched.kind === 'not_started') return settleTurn(turn, dispatched.ending, null);
  const ending = await recordTurn(turn, dispatched, signal);
  await settleTurn(turn, ending, dispatched.result);
}
