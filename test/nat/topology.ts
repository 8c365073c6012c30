/**
 * The testbed's topology as data: which namespaces exist, which veth pairs join them, which
 * addresses and routes each gets. Pure: nothing here touches the system (testbed.ts applies it).
 *
 *   publicA 11.0.1.2 ─┐                       ┌─ 11.0.101.2 routerA 192.168.1.1 ─ homeA 192.168.1.2
 *   publicB 11.0.2.2 ─┤ internet (core router)│                              (└─ homeA2 192.168.1.3)
 *                     └───────────────────────┴─ 11.0.102.2 routerB 192.168.2.1 ─ homeB 192.168.2.2
 *
 * Every link to the core is its own /24 (core .1, host .2), so the core routes (and filters)
 * every packet between them. The "internet" uses 11.0.0.0/8: libp2p's isPrivate() counts the
 * TEST-NET ranges as private (NOTES.md) but not 11/8, so nodes there look public to libp2p.
 * Nothing leaves the namespaces: no namespace has a route to the machine's network and the
 * root namespace has no interface in any of them.
 */
import { InvalidTestbedOptionsError } from './errors.js'
import { internetRuleset, routerRuleset } from './nftables.js'

export type HostName = 'internet' | 'publicA' | 'publicB' | 'routerA' | 'routerB' | 'homeA' | 'homeA2' | 'homeB'
export type RouterName = 'routerA' | 'routerB'

/** How a router picks the public source port: keep the host's port, or a random one. */
export type NatMapping = 'port-preserving' | 'random'
/** What a router does with a new connection from the WAN side: drop it silently, or refuse it. */
export type InboundPolicy = 'drop' | 'reject'

export interface RouterOptions {
  /** 'port-preserving' (plain masquerade, the default) or 'random' (masquerade fully-random). */
  mapping?: NatMapping
  /** 'drop' (default: the sender times out) or 'reject' (TCP reset, ICMP port unreachable). */
  inbound?: InboundPolicy
}

export interface TestbedOptions {
  /** Hosts with an internet address: 1 (publicA, the default) or 2 (publicA, publicB). */
  publicHosts?: 1 | 2
  /** A second home host, homeA2, on router A's LAN beside homeA (the same-LAN case). */
  secondHomeOnA?: boolean
  /** The core silently drops packets to private addresses, as ISPs do (default true). When
   * false it has no route to them and answers with ICMP "network unreachable" instead. */
  dropPrivateDestinations?: boolean
  routerA?: RouterOptions
  routerB?: RouterOptions
  /**
   * IPv6 beside IPv4 (default false: IPv4 only). Every host gets a global address (2a0b::/32,
   * which libp2p counts as public); each home LAN is a routed /64 of its own, not translated
   * (as ISPs hand out IPv6), and the home router's stateful filter guards it as it guards IPv4.
   */
  ipv6?: boolean
}

interface HostBase {
  name: HostName
  /** The host's global IPv6 address, with `ipv6: true`. */
  address6?: string
  /** The network namespace's name (`ip netns exec <namespace> ...`). */
  namespace: string
  /** The interface `setLink()` takes down: a host's only link, a router's WAN link. */
  uplink: string
}

export interface InternetHost extends HostBase {
  role: 'internet'
  /** The core's own address on each link, by the host at the other end. */
  linkAddresses: Partial<Record<HostName, string>>
}

export interface PublicHost extends HostBase {
  role: 'public'
  address: string
  gateway: string
}

export interface RouterHost extends HostBase {
  role: 'router'
  name: RouterName
  /** The router's WAN address: what the internet sees as the source of its LAN's traffic. */
  address: string
  wanAddress: string
  lanAddress: string
  /** The LAN, as CIDR. */
  lanSubnet: string
  gateway: string
  mapping: NatMapping
  inbound: InboundPolicy
}

export interface HomeHost extends HostBase {
  role: 'home'
  address: string
  gateway: string
  router: RouterName
}

export type Host = InternetHost | PublicHost | RouterHost | HomeHost

export interface TestbedHosts {
  internet: InternetHost
  publicA: PublicHost
  publicB?: PublicHost
  routerA: RouterHost
  routerB: RouterHost
  homeA: HomeHost
  homeA2?: HomeHost
  homeB: HomeHost
}

export interface VethPair {
  a: { namespace: string, name: string }
  b: { namespace: string, name: string }
}

/** What to apply in one namespace, in order: sysctls, then `ip` commands, then nftables. */
export interface NamespaceSetup {
  namespace: string
  sysctls: string[]
  ipCommands: string[]
  nftRuleset?: string
}

export interface TopologyPlan {
  hosts: TestbedHosts
  veths: VethPair[]
  setups: NamespaceSetup[]
}

/** The ranges the core drops as destinations (RFC 1918, RFC 6598 shared space, link-local). */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'] as const

const PUBLIC_SUBNET: Record<'publicA' | 'publicB' | RouterName, string> = {
  publicA: '11.0.1',
  publicB: '11.0.2',
  routerA: '11.0.101',
  routerB: '11.0.102'
}
const LAN_SUBNET: Record<RouterName, string> = { routerA: '192.168.1', routerB: '192.168.2' }
const HOME_ADDRESS: Record<'homeA' | 'homeA2' | 'homeB', string> = { homeA: '192.168.1.2', homeA2: '192.168.1.3', homeB: '192.168.2.2' }
/** With `ipv6`: each link to the core is a /64 (core ::1, host ::2); each LAN a routed /64 (router ::1). */
const PUBLIC_SUBNET6: Record<'publicA' | 'publicB' | RouterName, string> = {
  publicA: '2a0b:0:1::',
  publicB: '2a0b:0:2::',
  routerA: '2a0b:0:101::',
  routerB: '2a0b:0:102::'
}
const LAN_SUBNET6: Record<RouterName, string> = { routerA: '2a0b:a::', routerB: '2a0b:b::' }
const HOME_SUFFIX6: Record<'homeA' | 'homeA2' | 'homeB', string> = { homeA: '2', homeA2: '3', homeB: '2' }

/** The interface names inside the namespaces (short: the kernel allows 15 characters). */
export const IFACE = { host: 'eth0', wan: 'wan', lanBridge: 'lan' } as const
const coreSide = (host: HostName): string => `to-${host}`
const lanPort = (host: HostName): string => `lan-${host}`

export function validateOptions (options: TestbedOptions): Required<Omit<TestbedOptions, 'routerA' | 'routerB'>> & { routerA: Required<RouterOptions>, routerB: Required<RouterOptions> } {
  const publicHosts = options.publicHosts ?? 1
  if (publicHosts !== 1 && publicHosts !== 2) {
    throw new InvalidTestbedOptionsError(`publicHosts must be 1 or 2, not ${String(publicHosts)}`)
  }
  const router = (name: RouterName, given: RouterOptions = {}): Required<RouterOptions> => {
    const mapping = given.mapping ?? 'port-preserving'
    const inbound = given.inbound ?? 'drop'
    if (mapping !== 'port-preserving' && mapping !== 'random') {
      throw new InvalidTestbedOptionsError(`${name}.mapping must be 'port-preserving' or 'random', not ${String(mapping)}`)
    }
    if (inbound !== 'drop' && inbound !== 'reject') {
      throw new InvalidTestbedOptionsError(`${name}.inbound must be 'drop' or 'reject', not ${String(inbound)}`)
    }
    return { mapping, inbound }
  }
  return {
    publicHosts,
    secondHomeOnA: options.secondHomeOnA === true,
    dropPrivateDestinations: options.dropPrivateDestinations ?? true,
    ipv6: options.ipv6 === true,
    routerA: router('routerA', options.routerA),
    routerB: router('routerB', options.routerB)
  }
}

/** Plans the topology for `options`, with namespaces named `<prefix>-<host>`. */
export function planTopology (prefix: string, options: TestbedOptions = {}): TopologyPlan {
  const opts = validateOptions(options)
  const ns = (host: HostName): string => `${prefix}-${host}`

  const publicNames: Array<'publicA' | 'publicB'> = opts.publicHosts === 2 ? ['publicA', 'publicB'] : ['publicA']
  const homesOf: Record<RouterName, Array<'homeA' | 'homeA2' | 'homeB'>> = {
    routerA: opts.secondHomeOnA ? ['homeA', 'homeA2'] : ['homeA'],
    routerB: ['homeB']
  }

  const internet: InternetHost = { name: 'internet', role: 'internet', namespace: ns('internet'), uplink: '', linkAddresses: {} }
  const veths: VethPair[] = []
  const setups = new Map<string, NamespaceSetup>()
  const setup = (namespace: string): NamespaceSetup => {
    let entry = setups.get(namespace)
    if (entry == null) {
      // lo up everywhere: a node serves its local API on 127.0.0.1. Without `ipv6`, IPv6 is off
      // on the links (new interfaces inherit `default`) so the testbed is IPv4 only; lo keeps ::1.
      entry = { namespace, sysctls: opts.ipv6 ? [] : ['net.ipv6.conf.default.disable_ipv6=1'], ipCommands: ['link set lo up'] }
      setups.set(namespace, entry)
    }
    return entry
  }
  const core = setup(internet.namespace)
  core.sysctls.push('net.ipv4.ip_forward=1')
  if (opts.ipv6) core.sysctls.push('net.ipv6.conf.all.forwarding=1')
  // Addresses are usable at once (no duplicate address detection: nothing else is on these links).
  const add6 = (address: string, dev: string): string => `address add ${address}/64 dev ${dev} nodad`

  // A host joined to the core by its own /24: the core is .1, the host .2.
  const linkToCore = (name: 'publicA' | 'publicB' | RouterName, hostSide: string): { address: string, gateway: string, address6?: string } => {
    const subnet = PUBLIC_SUBNET[name]
    const gateway = `${subnet}.1`
    const address = `${subnet}.2`
    veths.push({ a: { namespace: internet.namespace, name: coreSide(name) }, b: { namespace: ns(name), name: hostSide } })
    core.ipCommands.push(`address add ${gateway}/24 dev ${coreSide(name)}`, `link set ${coreSide(name)} up`)
    internet.linkAddresses[name] = gateway
    const own = setup(ns(name))
    own.ipCommands.push(`address add ${address}/24 dev ${hostSide}`, `link set ${hostSide} up`, `route add default via ${gateway}`)
    if (!opts.ipv6) return { address, gateway }
    const subnet6 = PUBLIC_SUBNET6[name]
    core.ipCommands.push(add6(`${subnet6}1`, coreSide(name)))
    own.ipCommands.push(add6(`${subnet6}2`, hostSide), `route add default via ${subnet6}1`)
    return { address, gateway, address6: `${subnet6}2` }
  }

  const publics: Partial<Record<'publicA' | 'publicB', PublicHost>> = {}
  for (const name of publicNames) {
    const { address, gateway, address6 } = linkToCore(name, IFACE.host)
    publics[name] = { name, role: 'public', namespace: ns(name), uplink: IFACE.host, address, gateway, ...(address6 !== undefined ? { address6 } : {}) }
  }

  const routers = {} as Record<RouterName, RouterHost>
  const homes: Partial<Record<'homeA' | 'homeA2' | 'homeB', HomeHost>> = {}
  for (const name of ['routerA', 'routerB'] as const) {
    const { address, gateway, address6 } = linkToCore(name, IFACE.wan)
    const lan = LAN_SUBNET[name]
    const lanAddress = `${lan}.1`
    const own = setup(ns(name))
    own.sysctls.push('net.ipv4.ip_forward=1')
    const lan6 = LAN_SUBNET6[name]
    if (opts.ipv6) {
      own.sysctls.push('net.ipv6.conf.all.forwarding=1')
      // The ISP routes the home's /64 to the router's WAN address.
      core.ipCommands.push(`route add ${lan6}/64 via ${PUBLIC_SUBNET6[name]}2`)
    }
    // The LAN is a bridge (a home router's switch), so hosts on one LAN reach each other
    // directly, multicast (mDNS) included.
    own.ipCommands.push(
      `link add ${IFACE.lanBridge} type bridge`,
      `address add ${lanAddress}/24 dev ${IFACE.lanBridge}`,
      `link set ${IFACE.lanBridge} up`,
      ...(opts.ipv6 ? [add6(`${lan6}1`, IFACE.lanBridge)] : [])
    )
    const { mapping, inbound } = opts[name]
    own.nftRuleset = routerRuleset({ wan: IFACE.wan, lanPrefix: IFACE.lanBridge, mapping, inbound })
    routers[name] = { name, role: 'router', namespace: ns(name), uplink: IFACE.wan, address, wanAddress: address, lanAddress, lanSubnet: `${lan}.0/24`, gateway, mapping, inbound, ...(address6 !== undefined ? { address6 } : {}) }

    for (const home of homesOf[name]) {
      const homeAddress = HOME_ADDRESS[home]
      veths.push({ a: { namespace: ns(name), name: lanPort(home) }, b: { namespace: ns(home), name: IFACE.host } })
      own.ipCommands.push(`link set ${lanPort(home)} master ${IFACE.lanBridge}`, `link set ${lanPort(home)} up`)
      setup(ns(home)).ipCommands.push(
        `address add ${homeAddress}/24 dev ${IFACE.host}`,
        `link set ${IFACE.host} up`,
        `route add default via ${lanAddress}`,
        ...(opts.ipv6 ? [add6(`${lan6}${HOME_SUFFIX6[home]}`, IFACE.host), `route add default via ${lan6}1`] : [])
      )
      homes[home] = { name: home, role: 'home', namespace: ns(home), uplink: IFACE.host, address: homeAddress, gateway: lanAddress, router: name, ...(opts.ipv6 ? { address6: `${lan6}${HOME_SUFFIX6[home]}` } : {}) }
    }
  }
  core.nftRuleset = internetRuleset({ dropPrivateDestinations: opts.dropPrivateDestinations, privateRanges: PRIVATE_RANGES })

  const hosts: TestbedHosts = {
    internet,
    publicA: publics.publicA as PublicHost,
    routerA: routers.routerA,
    routerB: routers.routerB,
    homeA: homes.homeA as HomeHost,
    homeB: homes.homeB as HomeHost
  }
  if (publics.publicB != null) hosts.publicB = publics.publicB
  if (homes.homeA2 != null) hosts.homeA2 = homes.homeA2
  return { hosts, veths, setups: [...setups.values()] }
}
