import { BlockList } from 'node:net';

/** One address block we never connect to, with the words used in refusal reasons. */
interface SpecialUseRange {
  /** CIDR notation, shown in reasons. */
  cidr: string;
  /** What the block is, with its article: `'a private address'`. */
  label: string;
  list: BlockList;
}

function range(cidr: string, label: string): SpecialUseRange {
  const [network, prefix] = cidr.split('/');
  const family = cidr.includes(':') ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  list.addSubnet(network ?? '', Number(prefix), family);
  return { cidr, label, list };
}

/**
 * IPv4 special-use blocks (IANA IPv4 Special-Purpose Address Registry, RFC 6890 and updates).
 * Order matters only for the wording of a reason; the blocks do not overlap.
 */
export const SPECIAL_USE_IPV4: readonly SpecialUseRange[] = [
  range('0.0.0.0/8', 'a "this network" address'), // RFC 791 §3.2; 0.0.0.0 reaches the local host on Linux
  range('10.0.0.0/8', 'a private address'), // RFC 1918
  range('100.64.0.0/10', 'a shared (carrier-grade NAT) address'), // RFC 6598
  range('127.0.0.0/8', 'a loopback address'), // RFC 1122 §3.2.1.3
  range('169.254.0.0/16', 'a link-local address'), // RFC 3927; cloud metadata lives at 169.254.169.254
  range('172.16.0.0/12', 'a private address'), // RFC 1918
  range('192.0.0.0/24', 'an IETF protocol assignment address'), // RFC 6890 §2.1
  range('192.0.2.0/24', 'a documentation address'), // RFC 5737 TEST-NET-1
  range('192.88.99.0/24', 'a 6to4 relay anycast address'), // RFC 7526
  range('192.168.0.0/16', 'a private address'), // RFC 1918
  range('198.18.0.0/15', 'a benchmarking address'), // RFC 2544
  range('198.51.100.0/24', 'a documentation address'), // RFC 5737 TEST-NET-2
  range('203.0.113.0/24', 'a documentation address'), // RFC 5737 TEST-NET-3
  range('224.0.0.0/4', 'a multicast address'), // RFC 5771
  range('240.0.0.0/4', 'a reserved address'), // RFC 1112 §4, includes 255.255.255.255 (RFC 919 broadcast)
];

/**
 * IPv6 special-use blocks (IANA IPv6 Special-Purpose Address Registry). `::ffff:0:0/96` and the NAT64
 * well-known prefix `64:ff9b::/96` are not listed: such an address is judged by the IPv4 address it
 * embeds (an IPv6-only network with DNS64 reaches IPv4-only hosts that way).
 */
export const SPECIAL_USE_IPV6: readonly SpecialUseRange[] = [
  range('::/128', 'the unspecified address'), // RFC 4291 §2.5.2
  range('::1/128', 'the loopback address'), // RFC 4291 §2.5.3
  range('64:ff9b:1::/48', 'a local-use NAT64 address'), // RFC 8215
  range('100::/64', 'a discard-only address'), // RFC 6666
  range('2001::/23', 'an IETF protocol assignment address'), // RFC 2928, includes Teredo 2001::/32 (RFC 4380)
  range('2001:db8::/32', 'a documentation address'), // RFC 3849
  range('2002::/16', 'a 6to4 address'), // RFC 3056; embeds an IPv4 address
  range('3fff::/20', 'a documentation address'), // RFC 9637
  range('fc00::/7', 'a unique local (private) address'), // RFC 4193
  range('fe80::/10', 'a link-local address'), // RFC 4291 §2.5.6
  range('fec0::/10', 'a site-local address'), // RFC 3879 (deprecated)
  range('ff00::/8', 'a multicast address'), // RFC 4291 §2.7
];

/**
 * Only `2000::/3` is allocated for global unicast (RFC 4291 §2.4, IANA IPv6 Address Space). Anything
 * outside it that is not listed above (e.g. IPv4-compatible `::a.b.c.d`, `4000::`) is refused too.
 */
export const GLOBAL_UNICAST_IPV6 = range('2000::/3', 'a global unicast address');
