/**
 * What the NAT reachability tests (reach.test.ts, reach-faults.test.ts) ask of their nodes:
 * connections and history through the CLI, and the nodes' logs when NAT_DEBUG is set.
 */
import { writeFileSync } from 'node:fs'
import type { MurmurHost } from './murmur.js'
import type { Testbed } from './testbed.js'

export type Connection = { peerId: string, address: string, kind: 'direct' | 'relayed', limited: boolean }

export async function connectionsTo (from: MurmurHost, to: MurmurHost): Promise<Connection[]> {
  const status = await from.cli(['status'])
  return (status.json.connectionList as Connection[]).filter(c => c.peerId === to.peerId)
}

export async function history (of: MurmurHost, with_: MurmurHost): Promise<Array<{ text: string, direction: string, state: string, relays?: Array<{ relay: string, status: string }> }>> {
  return (await of.cli(['history', with_.peerId, '--limit', '200'])).json
}

/**
 * With NAT_DEBUG set, each node instance's log is written to /tmp/nat-<name>-<pid>.log: one file
 * per process, so a restarted node (or a second run) does not overwrite the first one's log.
 */
export function keepLogs (nodes: Array<MurmurHost | undefined>): void {
  if (process.env.NAT_DEBUG == null) return
  for (const n of nodes) if (n != null) writeFileSync(`/tmp/nat-${n.name}-${n.process.pid ?? 'unknown'}.log`, n.stderr())
}

export function debugEnv (): NodeJS.ProcessEnv {
  return process.env.NAT_DEBUG != null ? { DEBUG: process.env.NAT_DEBUG } : {}
}

/** A file's teardown: keeps the nodes' logs (NAT_DEBUG), stops and removes every node started, then the testbed. */
export async function stopAll (tb: Testbed | undefined, nodes: Array<MurmurHost | undefined>): Promise<void> {
  keepLogs(nodes)
  await Promise.all(nodes.filter(m => m != null).map(async m => { await m.stop(); await m.cleanup() }))
  await tb?.teardown()
}

