// Every mistake a newcomer makes, answered clearly (issue 11), through the real CLI as
// processes: one line naming the path or the value and what to do, and a documented exit code.
import { spawnSync } from 'node:child_process'
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKUP_NOTICE } from '../../cli/commands/identity.js'
import { CLI, runCli, tempHome, untilCli } from './cli-helpers.js'
import { callApi, initNode, killAll, spawnCli, startNode, type RunningNode } from './daemon-helpers.js'

/** The CLI as an unprivileged user (the suite runs as root, whom no permission stops). */
function runAsNobody (args: string[]): { code: number | null, stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 30_000 })
  return { code: result.status, stderr: result.stderr }
}

const isRoot = process.getuid?.() === 0

describe('a home murmur cannot use', () => {
  let dir: { home: string, cleanup: () => Promise<void> }
  beforeAll(async () => { dir = await tempHome('murmur-newcomer-') })
  afterAll(async () => { await dir?.cleanup() })

  it('--home pointing at a file: exit 2, naming the path (init, start, status)', async () => {
    const file = join(dir.home, '..', 'a-file')
    await writeFile(file, 'not a folder')
    for (const args of [['init'], ['start'], ['status'], ['id']]) {
      const r = await runCli([...args, '--home', file])
      expect(r.code, args[0]).toBe(2)
      expect(r.stderr.trim(), args[0]).toBe(`murmur: the home ${file} is a file, not a folder; choose another home with --home or MURMUR_HOME`)
    }
  })

  it.runIf(isRoot)('a folder the user cannot write, and a read-only home with an identity: exit 2, naming the path', async () => {
    const parent = join(dir.home, '..', 'locked')
    await mkdir(parent, { mode: 0o555 })
    const init = runAsNobody(['init', '--home', join(parent, 'home')])
    expect(init.code).toBe(2)
    expect(init.stderr).toMatch(new RegExp(`^murmur: cannot write ${join(parent, 'home')}: permission denied; .*--home or MURMUR_HOME`))

    const readOnly = join(dir.home, '..', 'read-only')
    expect((await runCli(['init', '--home', readOnly, '--no-passphrase'])).code).toBe(0)
    await chown(readOnly, 65534, 65534)
    await chown(join(readOnly, 'identity.key'), 65534, 65534)
    await chown(join(readOnly, 'config.json'), 65534, 65534).catch(() => {})
    await chmod(readOnly, 0o555)
    const start = runAsNobody(['start', '--home', readOnly, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'])
    expect(start.code).toBe(2)
    expect(start.stderr).toMatch(new RegExp(`^murmur: cannot write ${readOnly}[^:]*: permission denied; murmur keeps its identity and messages in ${readOnly}`))
    expect(start.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('the command line', () => {
  let node: { home: string, peerId: string, cleanup: () => Promise<void> }
  beforeAll(async () => { node = await initNode() })
  afterAll(async () => { await node?.cleanup() })

  it('--listen 127.0.0.1:4792 is not a multiaddr: exit 2 with the multiaddr to write', async () => {
    const r = await runCli(['start', '--home', node.home, '--listen', '127.0.0.1:4792'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('murmur: --listen "127.0.0.1:4792" is not a multiaddr; write it as /ip4/127.0.0.1/tcp/4792')
  })

  it('--relay-timeout outside 0.5 to 120 seconds: exit 2 naming the bounds, before the node starts', async () => {
    for (const value of ['0.1', '121', 'soon']) {
      const r = await runCli(['start', '--home', node.home, '--relay-timeout', value, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'])
      expect(r.code, value).toBe(2)
      expect(r.stderr.trim(), value).toBe(`murmur: --relay-timeout must be a number of seconds from 0.5 to 120, got "${value}"`)
    }
  })

  it('more than 64 KiB piped into `send -` is "too long" (exit 2), before any node is needed', async () => {
    const r = await runCli(['send', 'bob', '-', '--home', node.home], { input: 'x'.repeat(1024 * 1024 + 1) })
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('murmur: a message is at most 65536 bytes of UTF-8 (64 KiB); stdin has more')
  })

  it('--home and --json before the command; usage errors as JSON with --json; help names --home, --json, MURMUR_HOME and the exit codes', async () => {
    const id = await runCli(['--home', node.home, '--json', 'id'])
    expect(id.code).toBe(0)
    expect(JSON.parse(id.stdout).peerId).toBe(node.peerId)
    const usage = await runCli(['status', '--bogus', '--json'])
    expect(usage.code).toBe(2)
    expect(JSON.parse(usage.stderr)).toEqual({ error: { name: 'UsageError', message: 'unknown option \'--bogus\'', exitCode: 2 } })
    const help = await runCli(['--help'])
    for (const word of ['--home', '--json', 'MURMUR_HOME', 'Exit codes: 0 ok', '6 no running node']) expect(help.stdout).toContain(word)
  })
})

describe('start --init', () => {
  it('prints the same "back up your identity" notice as init', async () => {
    const { home, cleanup } = await tempHome('murmur-newcomer-init-')
    try {
      const start = spawnCli(['start', '--init', '--no-passphrase', '--home', home, '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'])
      await expect.poll(() => start.stdout().includes('murmur node running'), { timeout: 30_000, interval: 25, message: 'the node to start' }).toBe(true)
      expect(start.stdout()).toContain(`Created a new identity in ${home}\n${BACKUP_NOTICE}`)
      const init = await runCli(['init', '--home', join(home, '..', 'other'), '--no-passphrase'])
      expect(init.stdout).toContain(BACKUP_NOTICE)
      start.child.kill('SIGTERM')
      expect(await start.exited).toBe(0)
    } finally {
      killAll()
      await cleanup()
    }
  })
})

describe('with a running node', () => {
  let alice: RunningNode
  let bob: RunningNode
  const homes: Array<{ cleanup: () => Promise<void> }> = []
  const cli = async (node: RunningNode, args: string[], input?: string): Promise<{ code: number | null, stdout: string, stderr: string }> =>
    await runCli([...args, '--home', node.home], input !== undefined ? { input } : {})

  beforeAll(async () => {
    const [a, b] = await Promise.all([initNode('alice'), initNode('bob')])
    homes.push(a, b)
    alice = await startNode(a.home)
    bob = await startNode(b.home, ['--bootstrap', alice.addresses[0]])
  })
  afterAll(async () => {
    await Promise.all([alice?.stop(), bob?.stop()])
    killAll()
    await Promise.all(homes.map(async h => { await h.cleanup() }))
  })

  it('messaging yourself is refused clearly (exit 2), and nothing is queued', async () => {
    const r = await cli(alice, ['send', alice.peerId, 'hello me'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('murmur: that is your own peer ID: murmur does not send messages to yourself')
    const status = JSON.parse((await cli(alice, ['status', '--json'])).stdout)
    expect(status.outbox).toBe(0)
  })

  it('contact names are one name whatever their Unicode form or case; the list lines up', async () => {
    expect((await cli(alice, ['contacts', 'add', 'Zoe\u0308', bob.peerId])).code).toBe(0)
    // Typed precomposed, and in another case: the same contact.
    const verify = await cli(alice, ['contacts', 'verify', 'zo\u00eb', '--json'])
    expect(verify.code).toBe(0)
    expect(JSON.parse(verify.stdout)).toMatchObject({ peerId: bob.peerId, contact: 'Zo\u00eb' })
    const clash = await cli(alice, ['contacts', 'add', 'ZOË', '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'])
    expect(clash.code).toBe(7)
    expect((await cli(alice, ['contacts', 'add', 'carol', '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'])).code).toBe(0)
    expect((await cli(alice, ['contacts', 'add', 'Carol', '12D3KooWFTmZHNUnBGpXT1EV74ptYVypWfmwSB8xesu3zvZ7Hvch'])).code).toBe(7)
    const list = (await cli(alice, ['contacts', 'list'])).stdout.trim().split('\n')
    expect(list).toHaveLength(2)
    expect(new Set(list.map(line => line.indexOf('12D3KooW'))).size).toBe(1)
  })

  it('history shows short ids and seqs, indents multi-line messages; cancel and resend a queued message', async () => {
    const sent = await cli(alice, ['send', 'zoë', 'first line\nsecond line', '--wait'])
    expect(sent.code).toBe(0)
    const history = (await cli(alice, ['history', 'zoë'])).stdout
    const [line1, line2] = history.split('\n').filter(l => l.includes('line'))
    expect(line1).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d #\d+ [0-9a-f]{8}\] you: first line$/)
    expect(line2).toBe(' '.repeat(line1.indexOf('first')) + 'second line  (delivered)')

    // carol is offline (no node at all): the message waits, queued, and can be cancelled.
    const outboxBefore = JSON.parse((await cli(alice, ['status', '--json'])).stdout).outbox
    const queued = JSON.parse((await cli(alice, ['send', 'carol', 'never mind', '--json'])).stdout)
    expect(queued.state).toBe('queued')
    const cancelled = await cli(alice, ['cancel', 'carol', queued.id.slice(0, 8)])
    expect(cancelled.code).toBe(0)
    expect(cancelled.stdout.trim()).toBe(`message ${queued.id.slice(0, 8)} to carol cancelled; \`murmur resend carol ${queued.id.slice(0, 8)}\` sends it again`)
    const afterCancel = JSON.parse((await cli(alice, ['history', 'carol', '--json'])).stdout)
    expect(afterCancel.find((m: { id: string }) => m.id === queued.id)).toMatchObject({ state: 'failed', reason: 'cancelled' })
    // It left the outbox (other entries, such as receipts, may have drained meanwhile).
    expect(JSON.parse((await cli(alice, ['status', '--json'])).stdout).outbox).toBeLessThanOrEqual(outboxBefore)
    const resent = JSON.parse((await cli(alice, ['resend', 'carol', queued.id.slice(0, 8), '--json'])).stdout)
    expect(resent).toMatchObject({ id: queued.id, state: 'queued' })
    // A delivered message cannot be called back: exit 7, saying why.
    const delivered = JSON.parse((await cli(alice, ['history', 'zoë', '--json'])).stdout).find((m: { direction: string }) => m.direction === 'out')
    const refused = await cli(alice, ['cancel', 'zoë', delivered.id])
    expect(refused.code).toBe(7)
    expect(refused.stderr).toMatch(/is delivered; only a queued message .* can be cancelled/)
  })

  it('after `contacts remove`, history says where the conversation went', async () => {
    expect((await cli(alice, ['contacts', 'remove', 'carol'])).code).toBe(0)
    const r = await cli(alice, ['history', 'carol'])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('if "carol" was a contact you removed, its conversation is kept under its peer ID: `murmur inbox` lists it')
  })

  it('a node with many queued messages for a peer that is away warns of no listener leak', async () => {
    await bob.stop()
    // Through the local API, as the web app sends: thirty CLI processes at once cost the machine
    // ~10 s of start-ups, and the node sees the same thirty sends.
    const sends = await Promise.all(Array.from({ length: 30 }, async (_, i) => await callApi(alice, 'send', { to: 'zoë', text: `while you were away ${i}` })))
    expect(sends.every(m => m.state === 'queued')).toBe(true)
    // The barrier: bob comes back and every one of them is delivered, so every delivery round
    // (the failed ones while bob was away included) has run.
    bob = await startNode(bob.home, ['--bootstrap', alice.addresses[0]])
    const ids = sends.map(m => m.id)
    await untilCli<Array<{ id: string, state: string }>>(alice.home, ['history', 'zoë', '--limit', '100'], history =>
      ids.every(id => history.some(m => m.id === id && (m.state === 'delivered' || m.state === 'read'))), 'the queued messages to be delivered', 120_000)
    expect(alice.stderr()).not.toContain('MaxListenersExceededWarning')
  }, 180_000)

  it('chat reconnects after its node restarts and keeps showing incoming messages', async () => {
    expect((await cli(bob, ['contacts', 'add', 'alice', alice.peerId])).code).toBe(0)
    const chat = spawnCli(['chat', 'zoë', '--home', alice.home])
    await expect.poll(() => chat.stdout().includes('chat with zoë') || chat.stdout().includes('chat with Zoë'), { timeout: 20_000, interval: 25, message: 'the chat to open' }).toBe(true)
    await alice.stop()
    alice = await startNode(alice.home)
    await expect.poll(() => chat.stdout().includes('! reconnected'), { timeout: 30_000, interval: 25, message: 'the chat to reconnect' }).toBe(true)
    expect((await cli(bob, ['send', 'alice', 'after the restart', '--wait', '--timeout', '60'])).code).toBe(0)
    await expect.poll(() => chat.stdout().includes('after the restart'), { timeout: 30_000, interval: 25, message: 'the message in the chat' }).toBe(true)
    expect(chat.stdout()).not.toContain('no murmur node is running')
    chat.child.stdin.end()
    expect(await chat.exited).toBe(0)
  })
})
