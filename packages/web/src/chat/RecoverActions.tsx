import { useState } from 'react';
import type { RecoverAction } from '@boocode/contracts';
import { ErrorNotice } from '../ui/ErrorNotice';

/** What a chat offers for a turn that ended without finishing. */
export interface Recovery {
  /** A turn is running or queued in this chat: a new one would only queue behind it. */
  busy: boolean;
  recover: (taskId: string, action: RecoverAction) => Promise<void>;
  /** Puts the turn's prompt back in the input box. */
  edit: (taskId: string) => void;
}

/** Retry, Continue and Edit and resend under a failed, interrupted or cancelled turn. */
export function RecoverActions({ taskId, recovery }: { taskId: string; recovery: Recovery }) {
  const [pending, setPending] = useState<RecoverAction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (action: RecoverAction) => {
    setPending(action);
    setError(null);
    try {
      await recovery.recover(taskId, action);
    } catch (err) {
      setError(err);
    } finally {
      setPending(null);
    }
  };
  const disabled = recovery.busy || pending !== null;
  const why = recovery.busy ? 'Wait for the running turn to end' : undefined;
  return (
    <div className="recover" role="group" aria-label="Recover this turn">
      <div className="recover__buttons">
        <button type="button" className="button button--small" disabled={disabled} title={why ?? 'Send the same prompt again'} onClick={() => void run('retry')}>
          {pending === 'retry' ? 'Retrying…' : 'Retry'}
        </button>
        <button type="button" className="button button--small" disabled={disabled} title={why ?? 'Ask the agent to carry on from where it stopped'} onClick={() => void run('continue')}>
          {pending === 'continue' ? 'Continuing…' : 'Continue'}
        </button>
        <button type="button" className="button button--small" disabled={disabled} title={why ?? 'Put the prompt and its images back in the input box to change them'} onClick={() => recovery.edit(taskId)}>
          Edit and resend
        </button>
      </div>
      {error ? <ErrorNotice error={error} compact /> : null}
    </div>
  );
}
