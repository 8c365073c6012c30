#!/usr/bin/env node
// `npm run chaos [-- --minutes N]`: runs the chaos soak for N minutes (default 10) and exits
// with its result (0: every invariant held; see bench/results/chaos.json).
import { spawn } from 'node:child_process'

const args = process.argv.slice(2)
let minutes = '10'
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--minutes' && args[i + 1] !== undefined) minutes = args[++i]
  else if (args[i].startsWith('--minutes=')) minutes = args[i].slice('--minutes='.length)
  else {
    process.stderr.write(`usage: npm run chaos [-- --minutes N]\nunknown argument: ${args[i]}\n`)
    process.exit(2)
  }
}
if (!/^\d+(\.\d+)?$/.test(minutes) || Number(minutes) <= 0) {
  process.stderr.write(`--minutes must be a positive number, got "${minutes}"\n`)
  process.exit(2)
}
const child = spawn('npx', ['vitest', 'run', '--config', 'bench/chaos/vitest.config.ts'], {
  stdio: 'inherit',
  // --trace-warnings: a warning in a node's output comes with the stack that caused it.
  env: { ...process.env, CHAOS_MINUTES: minutes, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --trace-warnings`.trim() }
})
child.on('exit', (code, signal) => { process.exit(code ?? (signal !== null ? 1 : 0)) })
