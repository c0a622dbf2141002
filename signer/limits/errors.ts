import { ProvenanceError } from '../errors.ts';

/** Codes of the limits concern: work refused or dropped to stay within memory and time bounds. */
export type LimitErrorCode =
  | 'BUSY' // the byte budget's queue is full: refused at once, try again later
  | 'DEADLINE_EXCEEDED'; // the caller's deadline passed before the work could start (or finish)

export function limitError(code: LimitErrorCode, message: string): ProvenanceError<LimitErrorCode> {
  return new ProvenanceError(code, message);
}

/** True when `deadline` (ms since the epoch) is set and not in the future. */
export function isPast(deadline: number | undefined, now: number = Date.now()): boolean {
  return deadline !== undefined && now >= deadline;
}
