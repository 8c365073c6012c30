/**
 * Tears down live testbeds when the process ends without calling `teardown()`: on exit, and on
 * SIGINT / SIGTERM (then the signal is raised again, so the process still ends as it would
 * have). The hooks are installed only while a testbed is live.
 */

export interface SyncTeardown {
  teardownSync: () => void
}

const live = new Set<SyncTeardown>()
const SIGNALS = ['SIGINT', 'SIGTERM'] as const

function teardownAll (): void {
  for (const testbed of [...live]) {
    live.delete(testbed)
    testbed.teardownSync()
  }
}

function onSignal (signal: NodeJS.Signals): void {
  teardownAll()
  uninstall()
  // Nobody else handles the signal: raise it again for its default action (end the process).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

function install (): void {
  process.on('exit', teardownAll)
  for (const signal of SIGNALS) process.on(signal, onSignal)
}

function uninstall (): void {
  process.off('exit', teardownAll)
  for (const signal of SIGNALS) process.off(signal, onSignal)
}

export function registerLive (testbed: SyncTeardown): void {
  if (live.size === 0) install()
  live.add(testbed)
}

export function unregisterLive (testbed: SyncTeardown): void {
  if (!live.delete(testbed)) return
  if (live.size === 0) uninstall()
}
