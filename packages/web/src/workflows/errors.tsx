import { ApiClientError } from '@boocode/client';

/**
 * A refused action as a sentence for the workflow view. The server's messages already read as
 * sentences (a syntax error names its line and column, a bad meta its field); a few codes need
 * what to do next.
 */
export function workflowErrorText(err: unknown): string {
  if (err instanceof ApiClientError) {
    if (err.code === 'session_archived') return 'This session is archived, so it cannot run workflows. Start a new session to run one.';
    if (err.code === 'not_found') return `${capital(err.message)}. It may have been renamed or removed: reload the list and pick again.`;
    if (err.code === 'invalid_request') return `The server refused the request: ${err.message}.`;
    return capital(err.message);
  }
  return capital(err instanceof Error ? err.message : String(err));
}

const capital = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : 'Something went wrong.');

/** Shows a refused action (role=alert, so it is announced). */
export function WorkflowError({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="wf-error" role="alert">
      {workflowErrorText(error)}
    </p>
  );
}
