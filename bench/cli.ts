/**
 * `npm run bench -- cli [--rounds N]`: command latency (issue 11). From process start to exit,
 * `murmur status` and `murmur send` against a running node, measured alternately with a bare
 * `node -e 0` in the same run; reports medians and the ratios (target: at most 2x).
 *
 * Two nodes (alice, bob) run as `murmur start` processes on 127.0.0.1; alice has bob as a
 * contact, so `send` does a real send (encrypt, store, first delivery attempt).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BenchmarkCheckError, median, positiveInteger, repoRoot, writeResult } from './harness.js'

const CLI = join(repoRoot(), 'dist/cli/murmur.js')

function cli (args: string[]): { code: number | null, stdout: string, ms: number } {
  const started = performance.now()
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' })
  return { code: result.status, stdout: result.stdout, ms: performance.now() - started }
}

function bare (): number {
  const started = performance.now()
  spawnSync(process.execPath, ['-e', '0'])
  return performance.now() - started
}

async function startNode (home: string, extra: string[] = []): Promise<{ child: ChildProcess, peerId: string, addresses: string[] }> {
  const child = spawn(process.execPath, [CLI, 'start', '--home', home, '--json', '--listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new BenchmarkCheckError(`murmur start did not start in 60 s: ${out}`)) }, 60_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find(l => l.includes('"event":"started"'))
      if (line !== undefined) {
        clearTimeout(timer)
        const started = JSON.parse(line)
        resolve({ child, peerId: started.peerId, addresses: started.addresses })
      }
    })
    child.on('exit', (code) => { clearTimeout(timer); reject(new BenchmarkCheckError(`murmur start exited ${code}: ${out}`)) })
  })
}

export async function run (args: string[]): Promise<void> {
  let rounds = 15
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--rounds') rounds = positiveInteger('--rounds', args[++i] ?? '')
  }
  const dir = mkdtempSync(join(tmpdir(), 'murmur-bench-cli-'))
  const nodes: ChildProcess[] = []
  try {
    const [alice, bob] = [join(dir, 'alice'), join(dir, 'bob')]
    // Without a passphrase: what is timed is the CLI process, not the node's start.
    for (const home of [alice, bob]) if (cli(['init', '--home', home, '--no-passphrase']).code !== 0) throw new BenchmarkCheckError('murmur init failed')
    const a = await startNode(alice)
    nodes.push(a.child)
    const b = await startNode(bob, ['--bootstrap', a.addresses[0]])
    nodes.push(b.child)
    if (cli(['contacts', 'add', 'bob', b.peerId, '--home', alice]).code !== 0) throw new BenchmarkCheckError('contacts add failed')
    // A first message establishes the session, so that the measured sends are ordinary ones.
    if (cli(['send', 'bob', 'warm-up', '--wait', '--home', alice]).code !== 0) throw new BenchmarkCheckError('the warm-up message was not delivered')

    const samples = { node: [] as number[], status: [] as number[], send: [] as number[] }
    // The ratios move with how busy the machine is: the 1-minute load average goes with them.
    const loadBefore = loadavg()[0]
    for (let i = 0; i < rounds; i++) {
      samples.node.push(bare())
      const status = cli(['status', '--home', alice])
      if (status.code !== 0) throw new BenchmarkCheckError('murmur status failed')
      samples.status.push(status.ms)
      samples.node.push(bare())
      const send = cli(['send', 'bob', `message ${i}`, '--home', alice])
      if (send.code !== 0) throw new BenchmarkCheckError('murmur send failed')
      samples.send.push(send.ms)
    }
    const result = {
      rounds,
      node_e0_p50_ms: Number(median(samples.node).toFixed(1)),
      status_p50_ms: Number(median(samples.status).toFixed(1)),
      send_p50_ms: Number(median(samples.send).toFixed(1)),
      status_ratio: Number((median(samples.status) / median(samples.node)).toFixed(2)),
      send_ratio: Number((median(samples.send) / median(samples.node)).toFixed(2)),
      target_ratio: 2,
      load_average: [Number(loadBefore.toFixed(1)), Number(loadavg()[0].toFixed(1))],
      cpus: availableParallelism(),
      date: new Date().toISOString()
    }
    process.stdout.write(`node -e 0 ${result.node_e0_p50_ms} ms; murmur status ${result.status_p50_ms} ms (${result.status_ratio}x); murmur send ${result.send_p50_ms} ms (${result.send_ratio}x); load average ${result.load_average.join(' -> ')} on ${result.cpus} cores\n`)
    process.stdout.write(`wrote ${writeResult('cli', result)}\n`)
  } finally {
    for (const child of nodes) child.kill('SIGTERM')
    await new Promise(resolve => setTimeout(resolve, 1_000))
    for (const child of nodes) if (child.exitCode === null) child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}
