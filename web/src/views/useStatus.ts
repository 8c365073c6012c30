/**
 * The node's status (the `status` method: connections, outbox, relays and their quota use),
 * read when a view opens and every few seconds while it stays open.
 */
import { useEffect, useState } from 'preact/hooks'
import type { StatusView } from '../../../src/messenger/api-types.js'
import { call, errorText } from '../api.js'

const REFRESH_MS = 5_000

export function useStatus (): { status: StatusView | undefined, error: string | undefined, refresh: () => void } {
  const [status, setStatus] = useState<StatusView | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const load = (): void => {
      call('status', {}).then((s) => { if (live) { setStatus(s); setError(undefined) } }, (err: unknown) => { if (live) setError(errorText(err)) })
        .finally(() => { if (live) timer = setTimeout(load, REFRESH_MS) })
    }
    load()
    return () => { live = false; clearTimeout(timer) }
  }, [tick])
  return { status, error, refresh: () => { setTick(t => t + 1) } }
}
