// Loaded by vitest before every test file (vitest.config.ts). With MURMUR_TEST_CPU_LOG set to a
// path, appends one JSON line per test file: the CPU seconds its worker spent (self) and the
// CPU seconds of the processes it started and reaped (children: `murmur` commands and nodes,
// Chromium, the NAT testbed's commands), from /proc/self/stat, and its wall seconds. The suite
// is bound by CPU on the 2-core machine (~290-350 CPU-seconds per run), so this, not the wall
// time of a loaded machine, says which files cost the most. Linux only; without the variable
// it does nothing.
import { appendFileSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect } from 'vitest'

const LOG = process.env.MURMUR_TEST_CPU_LOG

/** [own CPU, reaped children's CPU] in clock ticks (proc(5): utime+stime, cutime+cstime). */
function cpuTicks (): [number, number] {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  // The fields after "pid (comm) ": state is field 0, utime 11, stime 12, cutime 13, cstime 14.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number)
  return [fields[11] + fields[12], fields[13] + fields[14]]
}

if (LOG !== undefined && LOG !== '') {
  /** USER_HZ: 100 on Linux. */
  const TICKS_PER_SECOND = 100
  let start: [number, number] = [0, 0]
  let startedAt = 0
  beforeAll(() => { start = cpuTicks(); startedAt = performance.now() })
  afterAll(() => {
    const end = cpuTicks()
    appendFileSync(LOG, JSON.stringify({
      file: expect.getState().testPath,
      self: (end[0] - start[0]) / TICKS_PER_SECOND,
      children: (end[1] - start[1]) / TICKS_PER_SECOND,
      wall: (performance.now() - startedAt) / 1000
    }) + '\n')
  })
}
