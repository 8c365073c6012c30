/**
 * The time the messenger and the relay reckon with for times to live, expiry and backoff
 * (DESIGN.md "Delivery", "Relays"): the current time and timers. Production uses the system's
 * (`systemClock`); a test passes its own through the options (`MurmurOptions.clock`,
 * `MailboxInit.clock`) and moves it forward, instead of sleeping until a time to live passes.
 *
 * Only what is measured against a time to live or a retry schedule goes through it. Timeouts
 * of network calls (a dial, an attempt, an answer) stay on the system's timers: they bound
 * real waiting, which a test's clock cannot shorten.
 */
import { setTimeout as setTimeoutPromise } from 'node:timers/promises'

/** A pending timer of a Clock; only its clock can clear it. */
export interface ClockTimer {
  /** Lets the process exit while the timer is pending (as a Node timer's unref). */
  unref?: () => unknown
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now: () => number
  /** Calls `callback` once `ms` of this clock's time have passed. */
  setTimeout: (callback: () => void, ms: number) => ClockTimer
  clearTimeout: (timer: ClockTimer | undefined) => void
  /**
   * Waits `ms` of this clock's time, or less if `signal` aborts (then it resolves too: every
   * caller checks its signal next). It removes its abort listener when the time is up: the
   * listener a hand-written sleep used to add stayed on the long-lived signal at every retry
   * (MaxListenersExceededWarning, issue 11).
   */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => { clearTimeout(timer as ReturnType<typeof setTimeout> | undefined) },
  sleep: async (ms, signal) => { await setTimeoutPromise(ms, undefined, { signal }).catch(() => {}) }
}
