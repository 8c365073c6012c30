/**
 * Where our text numbers start (docs/messaging.md, "Gaps"). Each text carries our number for
 * it among our texts to that contact (Content.text.seq); the contact finds holes by it. A home
 * restored from a backup only knows the numbers up to the backup: the texts its old store sent
 * afterwards used the next ones. Numbering on from the backup's numbers reused them, and a new
 * text whose number was missing at the contact took that old hole's place, above older
 * messages, and marked the hole filled.
 *
 * So a restore starts a new numbering: from the restore's time in milliseconds, above every
 * number the old store can have used unless it sent more than one text a millisecond since
 * the start before (its own restore, or 1). Each text numbered from a start carries that start
 * (Content.text.seqStart), and the contact takes the jump up to it for no hole
 * (GapTracker.jump). The starts are kept in the settings, oldest first, and travel in backups:
 * a text restored from a backup and sent again names the start its number belongs to.
 */
import type { JsonValue } from '../store/index.js'

/** Settings key: the starts of our numberings after restores, oldest first (a JSON list). */
export const TEXT_NUMBER_STARTS_KEY = 'textNumberStarts'

/** The starts kept: one per restore; a text numbered below the oldest kept names none (0), as one of the first numbering. */
export const MAX_TEXT_NUMBER_STARTS = 64

/** The starts a stored value names: ascending positive safe integers; anything else is none. */
export function readStarts (value: JsonValue | undefined): number[] {
  if (!Array.isArray(value)) return []
  const starts: number[] = []
  for (const start of value) {
    if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 1) return []
    if (starts.length > 0 && start <= starts[starts.length - 1]) return []
    starts.push(start)
  }
  return starts
}

/**
 * The starts after a restore at `now` (ms since the epoch): the backup's own, and a new one
 * above them and above `highestNumber` (the highest text number the backup holds for any
 * contact), so that a clock set back never numbers below what was used.
 */
export function startsAfterRestore (starts: readonly number[], highestNumber: number, now: number): number[] {
  const start = Math.max(now, (starts[starts.length - 1] ?? 0) + 1, highestNumber + 1)
  return [...starts, start].slice(-MAX_TEXT_NUMBER_STARTS)
}

/** The start of the numbering text number `n` belongs to: the highest start at most `n`, else 0 (the first). */
export function startOf (starts: readonly number[], n: number): number {
  for (let i = starts.length - 1; i >= 0; i--) if (starts[i] <= n) return starts[i]
  return 0
}

/** The number a text takes after our last one `last`: the next, or the latest start when that is higher. */
export function nextNumber (starts: readonly number[], last: number): number {
  return Math.max(last + 1, starts[starts.length - 1] ?? 0)
}
