import type { InFlightTurn, Task } from '@boocode/contracts';
import type { Sql } from '../db/connection.js';
import { inFlightTurns, requestCancel, runningActivities, unfinishedTaskIds, type SessionActivity } from '../db/tasks.js';
import { unfinishedChildIds } from '../db/subagents.js';

export interface TaskControl {
  /** Cancels a pending task at once; asks the worker running it to abort otherwise. */
  cancel(taskId: string): Promise<Task | null>;
  /** Cancels every unfinished task of a session; returns their ids. */
  cancelSession(sessionId: string): Promise<string[]>;
  inFlight(sessionId: string): Promise<InFlightTurn[]>;
  /** Sessions with a turn running now (and whether it waits for a permission answer). */
  activities(): Promise<SessionActivity[]>;
}

/**
 * Cancellation goes through the database so that whichever worker holds the task hears it
 * (NOTIFY), and a task that is not running yet simply never starts.
 */
export function createTaskControl(sql: Sql, onCancelled: (task: Task) => void): TaskControl {
  const cancel = async (id: string): Promise<Task | null> => {
    const task = await requestCancel(sql, id);
    if (task?.status === 'cancelled') onCancelled(task);
    // A turn cancelled takes its background subagents (and theirs) with it.
    if (task) for (const child of await unfinishedChildIds(sql, id)) await cancel(child);
    return task;
  };
  return {
    cancel,
    async cancelSession(sessionId) {
      const ids = await unfinishedTaskIds(sql, sessionId);
      for (const id of ids) await cancel(id);
      return ids;
    },
    activities: () => runningActivities(sql),
    inFlight: (sessionId) => inFlightTurns(sql, sessionId),
  };
}
