/**
 * The nftables rulesets of the testbed's core router and home routers, as `nft -f` text.
 * Each namespace has its own netfilter state, so these tables never meet the machine's own.
 */
import type { InboundPolicy, NatMapping } from './topology.js'

/** Names of the counters the rulesets keep (read them with `Testbed.counters()`). */
export const COUNTERS = {
  /** Core: packets dropped because their destination is a private address. */
  privateDropped: 'private_dropped',
  /** Home router: new packets from the WAN side that were dropped or refused. */
  inboundBlocked: 'inbound_blocked'
} as const

/**
 * The core router. The drop happens in prerouting, before the routing decision: the core has no
 * route to private ranges, so a packet that got as far as routing would be answered with ICMP
 * "network unreachable", which is what `dropPrivateDestinations: false` leaves in place.
 */
export function internetRuleset (options: { dropPrivateDestinations: boolean, privateRanges: readonly string[] }): string {
  const lines = [
    'table ip murmur_internet {',
    `  counter ${COUNTERS.privateDropped} { }`,
    '  set private_ranges {',
    '    type ipv4_addr; flags interval;',
    `    elements = { ${options.privateRanges.join(', ')} }`,
    '  }',
    '  chain prerouting {',
    '    type filter hook prerouting priority raw; policy accept;'
  ]
  if (options.dropPrivateDestinations) {
    lines.push(`    ip daddr @private_ranges counter name "${COUNTERS.privateDropped}" drop`)
  }
  lines.push('  }', '}')
  return lines.join('\n') + '\n'
}

/**
 * A home router: source NAT of the LAN behind its WAN address, and a stateful filter that lets
 * in only what answers a connection from inside (conntrack "established,related"), both for
 * traffic through the router (forward) and to the router itself (input: a WAN port that nobody
 * mapped must not answer with a reset of its own). The table is `inet`: the filter guards IPv6
 * too (a testbed with `ipv6`), whose LAN addresses are routed, not translated: NAT is IPv4 only.
 *
 * `masquerade` keeps the LAN host's source port when it is free (port-preserving, what makes
 * TCP hole punching possible); `fully-random` picks a random port for every new mapping.
 */
export function routerRuleset (options: { wan: string, lanPrefix: string, mapping: NatMapping, inbound: InboundPolicy }): string {
  const wan = `iifname "${options.wan}"`
  const blocked = (icmpType: string): string[] => options.inbound === 'drop'
    ? [`    ${wan} counter name "${COUNTERS.inboundBlocked}" drop`]
    : [
        `    ${wan} counter name "${COUNTERS.inboundBlocked}"`,
        `    ${wan} meta l4proto tcp reject with tcp reset`,
        `    ${wan} meta nfproto ipv4 reject with icmp type ${icmpType}`,
        `    ${wan} meta nfproto ipv6 reject with icmpv6 type ${icmpType === 'admin-prohibited' ? 'admin-prohibited' : 'port-unreachable'}`
      ]
  return [
    'table inet murmur_router {',
    `  counter ${COUNTERS.inboundBlocked} { }`,
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    meta nfproto ipv4 oifname "${options.wan}" masquerade${options.mapping === 'random' ? ' fully-random' : ''}`,
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy drop;',
    '    ct state established,related accept',
    '    ct state invalid drop',
    // LAN to anywhere; the wildcard also covers bridged LAN-to-LAN frames on machines where
    // br_netfilter makes them pass this chain (ports are named lan-<host>).
    `    iifname "${options.lanPrefix}*" accept`,
    ...blocked('admin-prohibited'),
    '  }',
    '  chain input {',
    '    type filter hook input priority filter; policy accept;',
    `    iifname != "${options.wan}" accept`,
    '    ct state established,related accept',
    // IPv6 neighbour discovery with the ISP's router, which a home router answers as any must
    // (RFC 4890): without it the WAN link has no IPv6 at all.
    '    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } accept',
    ...blocked('port-unreachable'),
    '  }',
    '}'
  ].join('\n') + '\n'
}

/**
 * A home router's reboot (Testbed.rebootRouter): while `off`, it drops every packet it receives;
 * then every packet, arriving or its own, is tracked in conntrack `zone`, where none of the
 * entries made before the reboot exist. Applied as a table of its own (replaced each time), at
 * raw priority, ahead of connection tracking.
 */
export function rebootRuleset (options: { off: boolean, zone: number }): string {
  const prerouting = options.off ? 'drop' : `ct zone set ${options.zone}`
  return [
    'table inet murmur_reboot',
    'delete table inet murmur_reboot',
    'table inet murmur_reboot {',
    '  chain prerouting {',
    '    type filter hook prerouting priority raw; policy accept;',
    `    ${prerouting}`,
    '  }',
    '  chain output {',
    '    type filter hook output priority raw; policy accept;',
    `    ct zone set ${options.zone}`,
    '  }',
    '}'
  ].join('\n') + '\n'
}
