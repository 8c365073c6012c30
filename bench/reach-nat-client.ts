/**
 * A client of one node's local API for the NAT part of `npm run bench -- reach`
 * (bench/reach-nat.ts). The API listens on 127.0.0.1 of the node's own network namespace, so
 * the benchmark runs this inside that namespace (Testbed.spawn / exec). One task per process,
 * one JSON line per result on stdout:
 *
 *   watch HOME             every `connection` and `message:state` event as {at, event, data},
 *                          after a first {ready: true}; runs until killed
 *   contact HOME NAME ID   adds a contact
 *   rtt HOME TO COUNT      COUNT sends one after another, each waited until delivered (the
 *                          recipient's receipt): {ms: [...], states: [...]}
 *   connections HOME PEER  the open connections to PEER (kind direct or relayed, limited)
 *
 * Times are wall-clock milliseconds (nowMs), which every namespace of the machine shares.
 */
import { ApiClient } from '../src/api/client.js'
import { BenchmarkOptionError } from './harness.js'
import { nowMs } from './net-ipc.js'

const RTT_WAIT_SECONDS = 30

function line (value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n')
}

async function watch (client: ApiClient): Promise<void> {
  const events = await client.events({ names: ['connection', 'message:state'] })
  line({ ready: true, at: nowMs() })
  for await (const e of events) line({ at: nowMs(), event: e.event, data: e.data })
}

async function rtt (client: ApiClient, to: string, count: number): Promise<void> {
  const ms: number[] = []
  const states: string[] = []
  for (let i = 0; i < count; i++) {
    const t0 = nowMs()
    const view = await client.call('send', { to, text: `round trip ${i}`, wait: true, timeout: RTT_WAIT_SECONDS }, { timeoutMs: (RTT_WAIT_SECONDS + 10) * 1000 })
    ms.push(nowMs() - t0)
    states.push(view.state)
  }
  line({ ms, states })
}

async function main (argv: string[]): Promise<void> {
  const [task, home, ...rest] = argv
  if (task === undefined || home === undefined) throw new BenchmarkOptionError('usage: reach-nat-client watch|contact|rtt|connections HOME ...')
  const client = await ApiClient.connect(home)
  if (task === 'watch') await watch(client)
  else if (task === 'contact') line(await client.call('contacts.add', { name: rest[0], peerId: rest[1] }))
  else if (task === 'rtt') await rtt(client, rest[0], Number(rest[1]))
  else if (task === 'connections') line((await client.call('status', {})).connectionList.filter(c => c.peerId === rest[0]))
  else throw new BenchmarkOptionError(`unknown task ${task}`)
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`reach-nat-client: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`)
  process.exitCode = 1
})
