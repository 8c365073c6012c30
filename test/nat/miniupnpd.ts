/**
 * A real UPnP Internet Gateway Device on a testbed router: Debian's miniupnpd (package
 * `miniupnpd-nftables`), run in the router's namespace only, with its own config, pid and lease
 * files in a temporary folder. It answers SSDP M-SEARCH (239.255.255.250:1900) on the LAN side
 * and maps ports on the WAN side by adding DNAT rules to nftables chains of its own.
 *
 *   const gateway = await startMiniupnpd(tb, 'routerA')
 *   await gateway.leases()   // [{ protocol: 'TCP', externalPort: 4455, internalHost: '192.168.1.2', ... }]
 *   await gateway.stop()
 */
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { constants } from 'node:fs'
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestbedUnsupportedError, type RouterName, type Testbed } from './testbed.js'
import { IFACE } from './topology.js'

export const MINIUPNPD = '/usr/sbin/miniupnpd'

/** The nftables table miniupnpd fills (its chains are named in the config below). */
const UPNP_TABLE = 'murmur_upnp'

/** The router's counter of packets let in through a mapping (read it with `Testbed.counters()`). */
export const UPNP_FORWARDED = 'upnp_forwarded'

/** One port mapping, as miniupnpd writes it to its lease file. */
export interface Lease {
  protocol: string
  externalPort: number
  internalHost: string
  internalPort: number
  /** When the lease ends, in seconds since the epoch (0: never). */
  expires: number
  description: string
}

export interface Miniupnpd {
  process: ChildProcess
  /** The mappings in the lease file (empty when there are none, or no file yet). */
  leases: () => Promise<Lease[]>
  /** The DNAT rules in miniupnpd's prerouting chain, as `nft` prints them. */
  dnatRules: () => Promise<string[]>
  /** What miniupnpd printed (it logs to stderr with -d). */
  output: () => string
  /** Ends miniupnpd (it deletes its rules) and removes its folder; the table goes with the namespace. */
  stop: () => Promise<void>
}

/**
 * The chains miniupnpd's nftables backend expects, in a table of their own. Its forward rules
 * accept what it mapped, but an accept in one table does not override the router's own forward
 * chain (policy drop), so that chain also accepts connections the router DNATed: here only
 * miniupnpd makes DNAT rules.
 */
function upnpRuleset (): string {
  return [
    `add counter inet murmur_router ${UPNP_FORWARDED}`,
    `table inet ${UPNP_TABLE} {`,
    '  chain forward {',
    '    type filter hook forward priority filter - 1; policy accept;',
    '    jump miniupnpd',
    '  }',
    '  chain miniupnpd { }',
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    '    jump prerouting_miniupnpd',
    '  }',
    '  chain prerouting_miniupnpd { }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat - 1; policy accept;',
    '    jump postrouting_miniupnpd',
    '  }',
    '  chain postrouting_miniupnpd { }',
    '}',
    `insert rule inet murmur_router forward ct status dnat counter name "${UPNP_FORWARDED}" accept`
  ].join('\n') + '\n'
}

function config (options: { lanSubnet: string, leaseFile: string }): string {
  return [
    `ext_ifname=${IFACE.wan}`,
    `listening_ip=${IFACE.lanBridge}`,
    'http_port=0',
    'enable_upnp=yes',
    'enable_natpmp=no',
    // Only a LAN host may map, and only its own address (what a home router does).
    'secure_mode=yes',
    'system_uptime=yes',
    `uuid=${randomUUID()}`,
    `lease_file=${options.leaseFile}`,
    `upnp_table_name=${UPNP_TABLE}`,
    `upnp_nat_table_name=${UPNP_TABLE}`,
    'upnp_forward_chain=miniupnpd',
    'upnp_nat_chain=prerouting_miniupnpd',
    'upnp_nat_postrouting_chain=postrouting_miniupnpd',
    `allow 1024-65535 ${options.lanSubnet} 1024-65535`,
    'deny 0-65535 0.0.0.0/0 0-65535'
  ].join('\n') + '\n'
}

/** miniupnpd's lease file: one `PROTO:EXTPORT:INTHOST:INTPORT:EXPIRES:DESCRIPTION` per line. */
export function parseLeases (text: string): Lease[] {
  return text.split('\n').filter(line => line.trim() !== '').map(line => {
    const [protocol, externalPort, internalHost, internalPort, expires, ...description] = line.split(':')
    return {
      protocol,
      externalPort: Number(externalPort),
      internalHost,
      internalPort: Number(internalPort),
      expires: Number(expires),
      description: description.join(':')
    }
  })
}

/** Starts miniupnpd on `router`'s namespace; resolves once it listens for SSDP. */
export async function startMiniupnpd (tb: Testbed, router: RouterName, options: { timeoutMs?: number } = {}): Promise<Miniupnpd> {
  try {
    await access(MINIUPNPD, constants.X_OK)
  } catch {
    throw new TestbedUnsupportedError(`${MINIUPNPD} is missing: apt-get install -y --no-install-recommends miniupnpd-nftables`)
  }
  const host = tb.hosts[router]
  const dir = await mkdtemp(join(tmpdir(), 'murmur-miniupnpd-'))
  const leaseFile = join(dir, 'leases')
  const configFile = join(dir, 'miniupnpd.conf')
  await writeFile(configFile, config({ lanSubnet: host.lanSubnet, leaseFile }))
  await tb.exec(router, 'nft', ['-f', '-'], { input: upnpRuleset() })

  // -d: stay in the foreground and log to stderr, so the testbed owns (and ends) the process.
  const child = tb.spawn(router, MINIUPNPD, ['-d', '-f', configFile, '-P', join(dir, 'miniupnpd.pid')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      // Its last start-up line: the SSDP socket is open by then.
      if (/HTTP listening on port \d+/.test(output)) resolve()
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', code => { reject(new Error(`miniupnpd exited (${String(code)}): ${output}`)) })
    setTimeout(() => { reject(new Error(`miniupnpd did not start in time: ${output}`)) }, options.timeoutMs ?? 10_000).unref()
  })

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await ready
  } catch (err) {
    await stop()
    throw err
  }

  return {
    process: child,
    leases: async () => parseLeases(await readFile(leaseFile, 'utf8').catch(() => '')),
    dnatRules: async () => {
      const { stdout } = await tb.exec(router, 'nft', ['list', 'chain', 'inet', UPNP_TABLE, 'prerouting_miniupnpd'])
      return stdout.split('\n').map(line => line.trim()).filter(line => line.includes('dnat'))
    },
    output: () => output,
    stop
  }
}
