/**
 * Which network destinations a fetch of untrusted URLs may reach: public unicast addresses only,
 * unless the operator listed the host in WEB_FETCH_ALLOW_HOSTS.
 */
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The special range an address belongs to when it must not be reached ('loopback', 'private',
 * 'linkLocal'…), or undefined for a public unicast address.
 */
export function blockedRangeOf(address: string): string | undefined {
  const bare = stripBrackets(address);
  if (!ipaddr.isValid(bare)) return 'unparseable address';
  let ip = ipaddr.parse(bare);
  // ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address it carries.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range === 'unicast') return undefined;
  // NAT64 (64:ff9b::/96) is how IPv6-only networks reach IPv4 hosts: allowed when the embedded IPv4 is public.
  if (range === 'rfc6052' && ip.kind() === 'ipv6') {
    const parts = (ip as ipaddr.IPv6).parts;
    const embedded = ipaddr.fromByteArray([parts[6]! >> 8, parts[6]! & 0xff, parts[7]! >> 8, parts[7]! & 0xff]);
    const embeddedRange = embedded.range();
    return embeddedRange === 'unicast' ? undefined : `${range} (embedding ${embeddedRange})`;
  }
  return range;
}

/** True for a literal IPv4 or IPv6 host (with or without the URL's brackets). */
export function isIpLiteral(hostname: string): boolean {
  return net.isIP(stripBrackets(hostname)) !== 0;
}

/**
 * True when `url`'s host and port are exempt from the address block: an entry "host:port" exempts that
 * port, a bare "host" only the scheme's default port (80 or 443), never every port of the host.
 */
export function isAllowedHost(url: URL, allowHosts: readonly string[]): boolean {
  if (!allowHosts.length) return false;
  const hostname = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const defaultPort = port === (url.protocol === 'https:' ? '443' : '80');
  return allowHosts.some((entry) => entry === `${hostname}:${port}` || (defaultPort && entry === hostname));
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
