/**
 * IPv4/IPv6 address and CIDR parsing for IpAddress/NotIpAddress. IAM accepts CIDR blocks or single
 * addresses (RFC 4632 / RFC 4291 notation) for both families; an address never matches a block of the
 * other family. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`) are compared as IPv4.
 */

export interface IpAddressValue {
  version: 4 | 6;
  value: bigint;
}

export interface CidrBlock {
  version: 4 | 6;
  network: bigint;
  prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseHexGroups(text: string): bigint[] | undefined {
  if (text === '') return [];
  const groups: bigint[] = [];
  for (const group of text.split(':')) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    groups.push(BigInt(`0x${group}`));
  }
  return groups;
}

function parseIpv6(input: string): bigint | undefined {
  let text = input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // An embedded IPv4 tail (e.g. ::ffff:192.0.2.1) stands for the last two 16-bit groups.
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const needed = 8 - tail.length;
  let groups: bigint[];
  const doubleColon = text.indexOf('::');
  if (doubleColon >= 0) {
    if (text.indexOf('::', doubleColon + 1) >= 0) return undefined;
    const head = parseHexGroups(text.slice(0, doubleColon));
    const rest = parseHexGroups(text.slice(doubleColon + 2));
    // `::` stands for at least one group of zeros.
    if (!head || !rest || head.length + rest.length > needed - 1) return undefined;
    groups = [...head, ...Array<bigint>(needed - head.length - rest.length).fill(0n), ...rest];
  } else {
    const all = parseHexGroups(text);
    if (!all || all.length !== needed) return undefined;
    groups = all;
  }
  let value = 0n;
  for (const group of [...groups, ...tail]) value = (value << 16n) | group;
  return value;
}

/** Parses an IPv4 or IPv6 address. */
export function parseIpAddress(text: string): IpAddressValue | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    if (value === undefined) return undefined;
    // ::ffff:a.b.c.d (upper 96 bits 0…0ffff) is an IPv4 address carried in IPv6.
    if (value >> 32n === 0xffffn) {
      return { version: 4, value: value & 0xffffffffn };
    }
    return { version: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === undefined ? undefined : { version: 4, value };
}

/** Parses `address/prefix`, or a single address as a full-length block. */
export function parseCidr(text: string): CidrBlock | undefined {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (addressText === undefined || extra !== undefined) return undefined;
  const address = parseIpAddress(addressText);
  if (!address) return undefined;
  const bits = address.version === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    // An IPv4-mapped block (::ffff:192.0.2.0/120) counts its prefix over 128 bits.
    if (addressText.includes(':') && address.version === 4) prefix -= 96;
    if (prefix < 0 || prefix > bits) return undefined;
  }
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { version: address.version, network: address.value & mask, prefix };
}

/** True when the address lies inside the block (same family only). */
export function ipInCidr(address: IpAddressValue, block: CidrBlock): boolean {
  if (address.version !== block.version) return false;
  const bits = address.version === 4 ? 32 : 128;
  const mask = block.prefix === 0 ? 0n : ((1n << BigInt(block.prefix)) - 1n) << BigInt(bits - block.prefix);
  return (address.value & mask) === block.network;
}
