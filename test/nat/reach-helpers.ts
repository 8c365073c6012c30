/**
 * What the NAT reachability tests (reach.test.ts, reach-faults.test.ts) ask of their nodes:
 * connections and history through the CLI, and the nodes' logs when NAT_DEBUG is set.
 */
import { writeFileSync } from 'node:fs'
import { expect } from 'vitest'
import { startMurmur, type MurmurHost } from './murmur.js'
import type { HostName, Testbed } from './testbed.js'

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


/**
 * alice and bob on two home hosts (homeA and homeB unless `hosts`), bootstrapping from
 * `bootstrap`, each once reachable through a relay (within `relayedWithinMs`, else waitForEvent's
 * default), then contacts of each other unless `contacts` is false.
 */
export async function startRelayedHomes (tb: Testbed, bootstrap: string[], options: { hosts?: [HostName, HostName], relayedWithinMs?: number, contacts?: boolean } = {}): Promise<[MurmurHost, MurmurHost]> {
  const [hostA, hostB] = options.hosts ?? ['homeA', 'homeB']
  const homes = await Promise.all([
    startMurmur(tb, hostA, { name: 'alice', bootstrap, env: debugEnv() }),
    startMurmur(tb, hostB, { name: 'bob', bootstrap, env: debugEnv() })
  ])
  for (const home of homes) await home.waitForEvent('relayed', e => e.event === 'reachability' && e.mode === 'relayed', options.relayedWithinMs)
  const [alice, bob] = homes
  if (options.contacts !== false) {
    expect((await alice.cli(['contacts', 'add', 'bob', bob.peerId])).exitCode).toBe(0)
    expect((await bob.cli(['contacts', 'add', 'alice', alice.peerId])).exitCode).toBe(0)
  }
  return homes
}
