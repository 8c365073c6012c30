/**
 * How the page waits on a node that does not answer (docs/web.md "A stopped node"): tries 0.5 s
 * apart at first, doubling to at most 5 s. One schedule for the live link, a pending sign-in
 * and the boot script's recovery of a module that never came.
 */
export const PROBE_MIN_MS = 500
export const PROBE_MAX_MS = 5_000

/** The wait after one of `delayMs`. */
export function nextProbeDelay (delayMs: number): number {
  return Math.min(PROBE_MAX_MS, delayMs * 2)
}
