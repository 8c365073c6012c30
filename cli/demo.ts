#!/usr/bin/env node
/**
 * `npm run demo`: three murmur nodes on this machine (alice, bob, carol) as separate
 * `murmur start` processes on 127.0.0.1 in a temporary folder. carol is the bootstrap node for
 * the others; alice and bob add each other by peer ID, exchange messages through the CLI, and
 * the conversation is shown as each of them sees it. Then carol becomes the relay both trust:
 * bob goes offline, alice's messages wait at carol, bob comes back and receives them once.
 * Everything is removed at the end, also on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const CLI = join(import.meta.dirname, 'murmur.js')
/**
 * Each demo home is encrypted under this passphrase, given the way scripts give one (the
 * environment: never argv). Only for the demo: a real passphrase is yours alone.
 */
const DEMO_ENV = { ...process.env, MURMUR_PASSPHRASE: 'the demo passphrase (not a secret)' }
const STEP_TIMEOUT_MS = 60_000
const RECEIPT_WAIT_MS = 1_000
const POLL_MS = 250

interface Node {
  name: string
  home: string
  peerId: string
  addresses: string[]
  process: ChildProcess
}

const nodes: Node[] = []
let workDir: string | undefined
let cleaningUp: Promise<void> | undefined

function say (line = ''): void {
  process.stdout.write(line + '\n')
}

/** Runs one murmur command; shows it as a person would type it (without the --home noise). */
async function murmur (who: string, home: string, args: string[], options: { show?: boolean, exitCodes?: number[], stderr?: boolean } = {}): Promise<string> {
  if (options.show !== false) say(`${who}$ murmur ${args.map(a => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`)
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--home', home], { stdio: ['ignore', 'pipe', 'pipe'], env: DEMO_ENV })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => { child.kill('SIGKILL') }, STEP_TIMEOUT_MS)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      if (!(options.exitCodes ?? [0]).includes(code ?? -1)) reject(new Error(`murmur ${args[0]} failed (exit ${code}): ${stderr.trim()}`))
      else resolve(options.stderr === true ? stdout + stderr : stdout)
    })
  })
}

/** Starts `murmur start --json` and waits for its "started" line. */
async function startNode (name: string, home: string, bootstrap: string[]): Promise<Node> {
  const args = ['start', '--home', home, '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws',
    '--no-mdns', ...bootstrap.flatMap(b => ['--bootstrap', b])]
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: DEMO_ENV })
  return await new Promise((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => { reject(new Error(`${name}'s node did not start in time`)) }, STEP_TIMEOUT_MS)
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      const line = stdout.split('\n').find(l => l.includes('"event":"started"'))
      if (line === undefined) return
      clearTimeout(timer)
      const started = JSON.parse(line) as { peerId: string, addresses: string[] }
      const node = { name, home, peerId: started.peerId, addresses: started.addresses, process: child }
      nodes.push(node)
      resolve(node)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name}'s node exited (${code}): ${stderr.trim()}`))
    })
  })
}

/** Stops one node with SIGTERM (a clean stop), as Ctrl-C would. */
async function stopNode (node: Node): Promise<void> {
  if (node.process.exitCode !== null) return
  const exited = new Promise<void>(resolve => node.process.once('exit', () => { resolve() }))
  node.process.kill('SIGTERM')
  const timer = setTimeout(() => node.process.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

async function cleanup (): Promise<void> {
  cleaningUp ??= (async () => {
    await Promise.all(nodes.map(stopNode))
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true })
  })()
  await cleaningUp
}

async function main (): Promise<void> {
  workDir = await mkdtemp(join(tmpdir(), 'murmur-demo-'))
  const homes = { alice: join(workDir, 'alice'), bob: join(workDir, 'bob'), carol: join(workDir, 'carol') }
  say(`murmur demo: three nodes on 127.0.0.1, homes in ${workDir}`)
  say()

  for (const [name, home] of Object.entries(homes)) {
    const info = JSON.parse(await murmur(name, home, ['init', '--name', name, '--json'], { show: false })) as { peerId: string }
    say(`${name.padEnd(5)}  created an identity: ${info.peerId}`)
  }
  say('       (each home encrypted under its passphrase, given here through $MURMUR_PASSPHRASE)')
  say()
  const carol = await startNode('carol', homes.carol, [])
  say(`carol  node running (the bootstrap node), listening on ${carol.addresses[0]}`)
  const [alice, bob] = await Promise.all([
    startNode('alice', homes.alice, carol.addresses),
    startNode('bob', homes.bob, carol.addresses)
  ])
  say(`alice  node running, bootstrapped from carol`)
  say(`bob    node running, bootstrapped from carol`)
  say()

  say('alice and bob add each other by peer ID (their address):')
  await murmur('alice', alice.home, ['contacts', 'add', 'bob', bob.peerId])
  await murmur('bob', bob.home, ['contacts', 'add', 'alice', alice.peerId])
  say()

  const conversation: Array<[Node, string, string]> = [
    [alice, 'bob', 'Hi Bob! This is Alice, end-to-end encrypted.'],
    [bob, 'alice', 'Hi Alice, got it. No server saw this.'],
    [alice, 'bob', 'Let us compare safety numbers next time we meet.']
  ]
  for (const [from, to, text] of conversation) {
    const out = await murmur(from.name, from.home, ['send', to, text, '--wait', '--timeout', '30'])
    say(`  ${out.trim()}`)
  }
  say()

  say('both open the conversation, which sends read receipts:')
  await murmur('bob', bob.home, ['read', 'alice'])
  await murmur('alice', alice.home, ['read', 'bob'])
  // Receipts are messages too; give them a moment to arrive before showing the states.
  await new Promise(resolve => setTimeout(resolve, RECEIPT_WAIT_MS))
  say()
  for (const [viewer, other] of [[alice, 'bob'], [bob, 'alice']] as const) {
    say(`what ${viewer.name} sees:`)
    say((await murmur(viewer.name, viewer.home, ['history', other])).trimEnd().split('\n').map(l => `  ${l}`).join('\n'))
    say()
  }
  say('safety number (alice and bob each see the same digits):')
  say((await murmur('alice', alice.home, ['contacts', 'verify', 'bob'])).trimEnd().split('\n').map(l => `  ${l}`).join('\n'))
  say()

  await relayDemo(carol, alice, bob)
}

/** Polls `murmur <args> --json` (not shown) until `done` holds for its output. */
async function until<T> (who: Node, args: string[], done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS
  for (;;) {
    const value = JSON.parse(await murmur(who.name, who.home, [...args, '--json'], { show: false })) as T
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
  }
}

function indent (text: string): string {
  return text.trimEnd().split('\n').map(l => `  ${l}`).join('\n')
}

/**
 * Store-and-forward (DESIGN.md "Relays"): carol relays for alice and bob; bob goes offline,
 * alice's messages wait at carol (only ciphertext), bob comes back and gets each one once.
 */
async function relayDemo (carol: Node, alice: Node, bob: Node): Promise<void> {
  say('carol agrees to hold messages for alice and bob while they are offline:')
  await murmur('carol', carol.home, ['trust', 'add', alice.peerId])
  await murmur('carol', carol.home, ['trust', 'add', bob.peerId])
  for (const user of [alice, bob]) {
    await murmur(user.name, user.home, ['contacts', 'add', 'carol', carol.peerId])
    say(`  ${(await murmur(user.name, user.home, ['relays', 'add', 'carol'])).trim()}`)
  }
  say()

  say('bob goes offline:')
  await stopNode(bob)
  say('bob    node stopped')
  say()

  say('alice writes to bob anyway; the last one she watches (--wait) until it is stored:')
  const ids: string[] = []
  // Text output shows a message id by its first 8 hex digits; history --json has the whole id.
  const messageId = (out: string): string => {
    const match = /message ([0-9a-f]{8,32})/.exec(out)
    if (match === null) throw new Error(`no message id in: ${out}`)
    return match[1]
  }
  for (const text of ['Bob, are you there?', 'I will leave these with carol.']) {
    const out = await murmur('alice', alice.home, ['send', 'bob', text])
    say(indent(out))
    ids.push(messageId(out))
  }
  // Not delivered within the timeout is exit 4 (NETWORK): expected here, bob is offline.
  const waited = await murmur('alice', alice.home, ['send', 'bob', 'She only sees ciphertext.', '--wait', '--timeout', '5'], { exitCodes: [0, 4], stderr: true })
  say(indent(waited))
  ids.push(messageId(waited))
  await until<Array<{ id: string, state: string }>>(alice, ['history', 'bob'],
    h => ids.every(id => h.some(m => m.id.startsWith(id) && m.state === 'stored')), 'the messages to be stored at carol')
  say()
  say('what alice sees while bob is offline:')
  say(indent(await murmur('alice', alice.home, ['history', 'bob', '--limit', '3'])))
  say()

  say('bob comes back online:')
  const bobAgain = await startNode('bob', bob.home, carol.addresses)
  say('bob    node running again, bootstrapped from carol')
  const received = await until<Array<{ id: string, direction: string }>>(bobAgain, ['history', 'alice'],
    h => ids.every(id => h.some(m => m.id.startsWith(id))), 'bob to receive the stored messages')
  const copies = ids.map(id => received.filter(m => m.id.startsWith(id)).length)
  say(`bob received the ${ids.length} messages from carol's mailbox, ${copies.every(c => c === 1) ? 'each exactly once' : `copies: ${copies.join(', ')}`}:`)
  say(indent(await murmur('bob', bobAgain.home, ['history', 'alice', '--limit', '3'])))
  await until<{ relays: Array<{ queued?: number }> }>(bobAgain, ['status'], s => s.relays[0]?.queued === 0, 'bob\'s mailbox at carol to be empty')
  say('his mailbox at carol is empty again (he acknowledged them, so carol deleted them):')
  const mailboxes = (await murmur('bob', bobAgain.home, ['status'])).split('\n').filter(l => l.startsWith('mailboxes') || /^ {2}\S/.test(l))
  say(indent(mailboxes.join('\n')))
  say()

  await until<Array<{ id: string, state: string }>>(alice, ['history', 'bob'],
    h => ids.every(id => h.some(m => m.id.startsWith(id) && (m.state === 'delivered' || m.state === 'read'))), 'alice to see them delivered')
  say('alice sees them delivered:')
  say(indent(await murmur('alice', alice.home, ['history', 'bob', '--limit', '3'])))
  say()
  say('carol\'s side (what she relays for others; she only ever held ciphertext):')
  const status = (await murmur('carol', carol.home, ['status'])).split('\n').filter(l => l.startsWith('relaying for'))
  say(indent(status.join('\n')))
  say()
}

let interrupted = false
const onSignal = (): void => {
  interrupted = true
  say('\ninterrupted; stopping the nodes and removing the demo folder')
  cleanup().finally(() => { process.exit(130) })
}
process.once('SIGINT', onSignal)
process.once('SIGTERM', onSignal)

try {
  await main()
  await cleanup()
  say('demo done: nodes stopped, temporary homes removed.')
} catch (err) {
  if (interrupted) await new Promise(() => {}) // the signal handler cleans up and exits
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`)
  await cleanup()
  process.exitCode = 1
}
