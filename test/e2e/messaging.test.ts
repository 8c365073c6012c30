import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, cliJson, runCli, untilCli } from './cli-helpers.js'
import { initNode, killAll, spawnCli, startNode, type RunningNode } from './daemon-helpers.js'

/** Quotes one argument for `sh -c` (the command line `script -c` runs). */
function shellQuote (arg: string): string {
  return `'${arg.replace(/'/g, "'\\''")}'`
}

describe('two daemons exchanging messages through the CLI (real processes on 127.0.0.1)', () => {
  let alice: RunningNode
  let bob: RunningNode
  const cleanups: Array<() => Promise<void>> = []

  beforeAll(async () => {
    const [a, b] = await Promise.all([initNode('alice'), initNode('bob')])
    cleanups.push(a.cleanup, b.cleanup)
    alice = await startNode(a.home)
    bob = await startNode(b.home, ['--bootstrap', alice.addresses[0]])
    const [addBob, addAlice] = await Promise.all([
      runCli(['contacts', 'add', 'bob', bob.peerId, '--home', alice.home, '--json']),
      runCli(['contacts', 'add', 'alice', alice.peerId, '--home', bob.home, '--json'])
    ])
    expect(addBob.code).toBe(0)
    expect(JSON.parse(addBob.stdout)).toMatchObject({ name: 'bob', peerId: bob.peerId, verified: false })
    expect(addAlice.code).toBe(0)
  })
  afterAll(async () => {
    const stops = [alice, bob].filter(n => n !== undefined).map(async n => await n.stop())
    const codes = await Promise.all(stops)
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
    expect(codes.every(c => c === 0)).toBe(true)
  })

  it('send, then history --json on the other side shows it; send --wait reports delivered', async () => {
    const sent = await runCli(['send', 'bob', 'hello bob', '--home', alice.home, '--json'])
    expect(sent.code).toBe(0)
    const message = JSON.parse(sent.stdout)
    expect(message).toMatchObject({ text: 'hello bob', direction: 'out', peerId: bob.peerId })
    expect(message.id).toMatch(/^[0-9a-f]{32}$/)
    // send answers as soon as the message is durable in the outbox; delivery goes on after.
    expect(message.state).toBe('queued')

    const history = await untilCli<Array<{ id: string, text: string, direction: string }>>(bob.home, ['history', 'alice'], h => h.some(m => m.id === message.id), 'the message at bob', 30_000)
    expect(history.find(m => m.id === message.id)).toMatchObject({ text: 'hello bob', direction: 'in' })

    const waited = await runCli(['send', 'alice', 'hello alice', '--wait', '--timeout', '20', '--home', bob.home])
    expect(waited.code).toBe(0)
    expect(waited.stdout).toMatch(/^message [0-9a-f]{8} to alice: delivered\n$/)

    const text = await runCli(['history', 'bob', '--home', alice.home])
    expect(text.stdout).toMatch(/you: hello bob {2}\((delivered|read)\)/)
    expect(text.stdout).toMatch(/bob: hello alice/)
  })

  it('history --follow and a raw SSE client on /events receive a message sent after they started', async () => {
    const follow = spawnCli(['history', 'alice', '--follow', '--home', bob.home])
    const token = (await readFile(join(bob.home, 'api.token'), 'utf8')).trim()
    const sse = await fetch(`http://${bob.api}/events`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) })
    expect(sse.status).toBe(200)
    const reader = sse.body!.getReader()
    const decoder = new TextDecoder()
    let sseText = ''
    const pump = (async () => {
      while (!sseText.includes('follow me')) {
        const { value, done } = await reader.read()
        if (done) break
        sseText += decoder.decode(value, { stream: true })
      }
    })()
    await expect.poll(() => follow.stderr().includes('following new messages'), { timeout: 15_000, interval: 25, message: 'history --follow to subscribe' }).toBe(true)
    await expect.poll(() => sseText.includes(': ready'), { timeout: 15_000, interval: 25, message: 'the SSE stream to be ready' }).toBe(true)

    const sent = await runCli(['send', 'bob', 'follow me', '--home', alice.home, '--json'])
    expect(sent.code).toBe(0)
    const id = JSON.parse(sent.stdout).id as string

    await expect.poll(() => follow.stdout().includes('alice: follow me'), { timeout: 20_000, interval: 25, message: 'history --follow to print the message' }).toBe(true)
    await pump
    await reader.cancel()
    const block = sseText.split('\n\n').find(b => b.includes('follow me'))!
    expect(block).toMatch(/^event: message\ndata: /)
    expect(JSON.parse(block.split('\ndata: ')[1])).toMatchObject({ id, text: 'follow me', direction: 'in', peerId: alice.peerId })

    follow.child.kill('SIGINT')
    expect(await follow.exited).toBe(0)
  })

  it('chat in a pseudo-terminal shows an incoming message live and sends what is typed', async () => {
    const command = [process.execPath, CLI, 'chat', 'alice', '--home', bob.home].map(shellQuote).join(' ')
    const chat = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
    let screen = ''
    chat.stdout.on('data', (d: Buffer) => { screen += d.toString() })
    const exited = new Promise<number | null>(resolve => chat.on('exit', resolve))
    try {
      await expect.poll(() => screen.includes('you → alice: '), { timeout: 15_000, interval: 25, message: 'the chat prompt' }).toBe(true)
      expect(screen).toContain('chat with alice')
      expect(screen).toContain('hello bob') // recent history above the prompt

      const incoming = await runCli(['send', 'bob', 'ping from alice', '--home', alice.home])
      expect(incoming.code).toBe(0)
      await expect.poll(() => screen.includes('alice: ping from alice'), { timeout: 20_000, interval: 25, message: 'the incoming message in the chat' }).toBe(true)

      chat.stdin.write('pong from chat\r')
      await expect.poll(() => /you: pong from chat/.test(screen), { timeout: 20_000, interval: 25, message: 'the sent message in the chat' }).toBe(true)
      await untilCli<Array<{ text: string, direction: string }>>(alice.home, ['history', 'bob'], h => h.some(m => m.text === 'pong from chat' && m.direction === 'in'), 'the chat\'s message at alice', 30_000)

      chat.stdin.write('\x04') // Ctrl-D leaves
      expect(await exited).toBe(0)
      // The chat marked the conversation read while open.
      const inbox = JSON.parse((await runCli(['inbox', '--home', bob.home, '--json'])).stdout) as Array<{ peerId: string, unread: number }>
      expect(inbox.find(c => c.peerId === alice.peerId)?.unread).toBe(0)
    } finally {
      chat.kill('SIGKILL')
    }
  })
  it('chat with piped input sends every line, in order, and ends with the input', async () => {
    // The lines and the input's end are there before the chat has shown its history: they
    // used to be dropped, and the chat waited forever.
    const lines = ['piped one', 'piped two', 'piped three']
    const chat = spawnCli(['chat', 'alice', '--home', bob.home])
    chat.child.stdin.end(lines.join('\n') + '\n')
    expect(await chat.exited).toBe(0)
    for (const line of lines) expect(chat.stdout()).toContain(`you: ${line}`)
    await expect.poll(async () => {
      const history = JSON.parse((await runCli(['history', 'bob', '--home', alice.home, '--json'])).stdout) as Array<{ text: string, direction: string }>
      return history.filter(m => m.direction === 'in' && m.text.startsWith('piped ')).map(m => m.text)
    }, { timeout: 30_000, interval: 250, message: 'the piped lines at alice' }).toEqual(lines)
  })

  it('chat stays open when its node goes away while the chat opens, and reconnects when it is back', async () => {
    // bob's node is frozen the moment the chat prints its first line, so the chat's first
    // history call is (nearly always) in flight and unanswered; then the node is killed, which
    // cuts that call. The chat used to end there with "no murmur node is running".
    const earlier = await runCli(['send', 'bob', 'before the chat opened', '--wait', '--home', alice.home])
    expect(earlier.code).toBe(0)
    const chat = spawnCli(['chat', 'alice', '--home', bob.home])
    let frozen = false
    const nodeFrozen = new Promise<void>((resolve) => {
      chat.child.stdout.on('data', () => {
        if (frozen || !chat.stdout().includes('chat with alice')) return
        frozen = true
        bob.process.kill('SIGSTOP')
        resolve()
      })
    })
    try {
      await nodeFrozen
      bob.process.kill('SIGKILL')
      await new Promise<void>(resolve => { bob.process.once('exit', () => { resolve() }); if (bob.process.exitCode !== null || bob.process.signalCode !== null) resolve() })
      await expect.poll(() => chat.stdout().includes('! the node stopped'), { timeout: 15_000, interval: 25, message: 'the chat to see the node gone' }).toBe(true)
      bob = await startNode(bob.home, ['--bootstrap', alice.addresses[0]])
      await expect.poll(() => chat.stdout().includes('! reconnected'), { timeout: 20_000, interval: 25, message: 'the chat to reconnect' }).toBe(true)
      // Caught up once connected: the conversation's history is shown (the first catch-up was cut).
      await expect.poll(() => chat.stdout().includes('alice: before the chat opened'), { timeout: 10_000, interval: 25, message: 'the history after reconnecting' }).toBe(true)
      expect(chat.stderr()).not.toContain('no murmur node is running')
      chat.child.stdin.end()
      expect(await chat.exited).toBe(0)
    } finally {
      chat.child.kill('SIGKILL')
    }
  })

  it('block, blocked and unblock: alice\'s text while blocked is acknowledged and never shown; bob cannot write to her; after the unblock a line says what was dropped', async () => {
    const blocked = await runCli(['block', 'alice', '--home', bob.home])
    expect(blocked.code).toBe(0)
    expect(blocked.stdout).toBe(`blocked alice (${alice.peerId}): what it sends is dropped unread, and nothing goes to it (\`murmur unblock\` undoes it)\n`)
    expect(await cliJson(bob.home, ['blocked'])).toEqual([{ peerId: alice.peerId, contact: 'alice', blockedAt: expect.any(Number) }])
    expect((await runCli(['blocked', '--home', bob.home])).stdout).toMatch(new RegExp(`^alice \\(${alice.peerId}\\) {2}since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\n$`))

    expect((await runCli(['inbox', '--home', bob.home])).stdout).toMatch(/^alice {2}\((\d+ unread|read), blocked\)/m)
    const refused = await runCli(['send', 'alice', 'no', '--home', bob.home])
    expect(refused.code).toBe(7)
    expect(refused.stderr).toBe('murmur: you blocked this peer: unblock it (`murmur unblock`) to send it messages\n')

    const whileBlocked = await cliJson<{ id: string }>(alice.home, ['send', 'bob', 'while blocked'])
    // "sent": bob's node acknowledged it, which it does once its receive is done.
    await untilCli<Array<{ id: string, state: string }>>(alice.home, ['history', 'bob'], h => h.some(m => m.id === whileBlocked.id && m.state === 'sent'), 'bob\'s acknowledgement', 30_000)
    const bobs = await cliJson<Array<{ text: string }>>(bob.home, ['history', 'alice', '--limit', '1000'])
    expect(bobs.map(m => m.text)).not.toContain('while blocked')
    expect(bobs.map(m => m.text)).not.toContain('no')

    const unblocked = await runCli(['unblock', 'alice', '--home', bob.home])
    expect(unblocked.stdout).toBe(`unblocked alice (${alice.peerId})\n`)
    const again = await runCli(['unblock', 'alice', '--home', bob.home])
    expect(again.code).toBe(3)
    expect(again.stderr).toBe('murmur: that peer is not blocked\n')
    expect((await runCli(['blocked', '--home', bob.home])).stdout).toBe('you blocked nobody\n')

    const after = await runCli(['send', 'bob', 'after the unblock', '--wait', '--timeout', '20', '--home', alice.home])
    expect(after.code).toBe(0)
    const text = (await runCli(['history', 'alice', '--home', bob.home])).stdout
    expect(text).toMatch(/alice: after the unblock\n.*\* 1 earlier message from this contact came while you had blocked it, and was dropped unread\.\n$/)
  })
})
