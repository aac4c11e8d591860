import { emptyUsage, type TurnErrorCode, type TurnResult } from '@boocode/contracts';

/** A turn of an external agent that ended in an error BooCode names (no usage counted). */
export function errorResult(code: TurnErrorCode, message: string): TurnResult {
  return { ok: false, stop_reason: 'error', usage: emptyUsage(), error: { code, message } };
}
