import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSpecialUseAddress } from '../src/index.ts';

// [address, special-use?] — for every block its first and last address and, where the neighbour
// is not itself special-use, the addresses just outside it.
const IPV4: [string, boolean][] = [
  ['0.0.0.0', true], ['0.255.255.255', true], ['1.0.0.0', false],
  ['9.255.255.255', false], ['10.0.0.0', true], ['10.255.255.255', true], ['11.0.0.0', false],
  ['100.63.255.255', false], ['100.64.0.0', true], ['100.127.255.255', true], ['100.128.0.0', false],
  ['126.255.255.255', false], ['127.0.0.0', true], ['127.0.0.1', true], ['127.255.255.255', true], ['128.0.0.0', false],
  ['169.253.255.255', false], ['169.254.0.0', true], ['169.254.169.254', true], ['169.254.255.255', true], ['169.255.0.0', false],
  ['172.15.255.255', false], ['172.16.0.0', true], ['172.31.255.255', true], ['172.32.0.0', false],
  ['191.255.255.255', false], ['192.0.0.0', true], ['192.0.0.255', true], ['192.0.1.0', false],
  ['192.0.1.255', false], ['192.0.2.0', true], ['192.0.2.255', true], ['192.0.3.0', false],
  ['192.88.98.255', false], ['192.88.99.0', true], ['192.88.99.255', true], ['192.88.100.0', false],
  ['192.167.255.255', false], ['192.168.0.0', true], ['192.168.255.255', true], ['192.169.0.0', false],
  ['198.17.255.255', false], ['198.18.0.0', true], ['198.19.255.255', true], ['198.20.0.0', false],
  ['198.51.99.255', false], ['198.51.100.0', true], ['198.51.100.255', true], ['198.51.101.0', false],
  ['203.0.112.255', false], ['203.0.113.0', true], ['203.0.113.255', true], ['203.0.114.0', false],
  ['223.255.255.255', false], ['224.0.0.0', true], ['239.255.255.255', true],
  ['240.0.0.0', true], ['255.255.255.254', true], ['255.255.255.255', true],
  ['8.8.8.8', false], ['1.1.1.1', false], ['93.184.216.34', false],
];

const IPV6: [string, boolean][] = [
  ['::', true], ['0:0:0:0:0:0:0:0', true], ['::1', true], ['0:0:0:0:0:0:0:1', true],
  // IPv4-mapped: judged by the embedded IPv4 address, in either spelling.
  ['::ffff:127.0.0.1', true], ['::ffff:7f00:1', true], ['::FFFF:10.0.0.1', true], ['::ffff:169.254.169.254', true],
  ['::ffff:0.0.0.0', true], ['::ffff:255.255.255.255', true], ['0:0:0:0:0:ffff:c0a8:101', true],
  ['::ffff:8.8.8.8', false], ['::ffff:808:808', false], ['::ffff:1.1.1.1', false],
  // NAT64 well-known prefix: judged by the embedded IPv4 address (RFC 6052 §2.1).
  ['64:ff9b::', true], ['64:ff9b::8.8.8.8', false], ['64:ff9b::808:808', false], ['64:ff9b::ffff:ffff', true],
  ['64:ff9b::10.0.0.1', true], ['64:ff9b::7f00:1', true], ['64:ff9b::169.254.169.254', true], ['64:ff9b::1', true],
  ['64:ff9b:1::', true], ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', true],
  ['100::', true], ['100::ffff:ffff:ffff:ffff', true],
  ['2001::', true], ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true], ['2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff', true],
  ['2001:200::', false],
  ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', false], ['2001:db8::', true], ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true], ['2001:db9::', false],
  ['2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff', false], ['2002::', true], ['2002:7f00:1::', true], ['2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true], ['2003::', false],
  ['3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff', false], ['3fff::', true], ['3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', true], ['3fff:1000::', false],
  ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true], // outside 2000::/3
  ['fc00::', true], ['fd12:3456:789a::1', true], ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
  ['fe80::', true], ['fe80::1', true], ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
  ['fec0::', true], ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
  ['ff00::', true], ['ff02::1', true], ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
  // Not global unicast: IPv4-compatible (deprecated), and everything outside 2000::/3.
  ['::127.0.0.1', true], ['::8.8.8.8', true], ['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true], ['4000::', true],
  ['2000::', false], ['2606:4700::1111', false], ['2606:4700:4700::1111', false], ['2a00:1450:4001:81c::200e', false],
  ['2620:fe::fe', false], ['3ffe:ffff:ffff:ffff:ffff:ffff:ffff:fffe', false],
];

// Anything that is not a plain IP address fails closed.
const NOT_AN_ADDRESS = [
  'example.com', 'localhost', '', '0x7f.1', '2130706433', '127.1', '0127.0.0.1', '127.0.0.01',
  'fe80::1%eth0', '[::1', '1.2.3.4.5', '::ffff:1.2.3.256',
];

describe('isSpecialUseAddress', () => {
  describe('IPv4 special-purpose registry (RFC 6890)', () => {
    for (const [address, expected] of IPV4) {
      it(`${address} → ${expected}`, () => assert.equal(isSpecialUseAddress(address), expected));
    }
  });

  describe('IPv6 special-purpose registry and global unicast 2000::/3 (RFC 4291 §2.4)', () => {
    for (const [address, expected] of IPV6) {
      it(`${address} → ${expected}`, () => assert.equal(isSpecialUseAddress(address), expected));
    }
  });

  it('accepts bracketed IPv6 as URL.hostname spells it', () => {
    assert.equal(isSpecialUseAddress(new URL('https://[::ffff:127.0.0.1]/').hostname), true);
    assert.equal(isSpecialUseAddress(new URL('https://[2606:4700::1111]/').hostname), false);
  });

  it('treats anything that is not a plain IP address as special-use (fails closed)', () => {
    for (const input of NOT_AN_ADDRESS) assert.equal(isSpecialUseAddress(input), true, JSON.stringify(input));
  });
});
