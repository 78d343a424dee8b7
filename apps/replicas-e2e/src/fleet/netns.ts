/**
 * A replica as a separate host: a network namespace (`ip netns`, Debian's iproute2) joined to the
 * host by three veth pairs — one the clients reach the replica over, one to Postgres, one to Redis
 * — so the Redis link alone can be cut (`ip link set … down`: packets to Redis are dropped, the
 * replica's open connections hang as on a real partition) while the test still talks to it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export type Link = 'client' | 'postgres' | 'redis';
const LINKS: readonly Link[] = ['client', 'postgres', 'redis'];

export interface Netns {
  readonly name: string;
  /** The host end's address of each link (what the replica dials: Postgres and Redis listen there too). */
  readonly hostAddress: Record<Link, string>;
  /** The replica's end of each link (the suite reaches the replica at `address.client`). */
  readonly address: Record<Link, string>;
  /** The /24 every link lives in (for Postgres' pg_hba). */
  readonly subnet: string;
  /** Takes a link down at the host end; `up()` brings it back. */
  down(link: Link): void;
  up(link: Link): void;
  /** Deletes the namespace and its links (idempotent, never throws). */
  dispose(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Why namespaces cannot be used here, or null when they can (root, iproute2, a namespace can be made). */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root (ip netns needs CAP_NET_ADMIN)';
  const probe = `frprobe${randomBytes(3).toString('hex')}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return null;
  } catch (e) {
    return `ip netns does not work here: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}

/** Creates the namespace with its three links up; on any failure removes what it made and throws. */
export function createNetns(): Netns {
  const tag = randomBytes(2).toString('hex');
  const name = `frontier-rep-${tag}`;
  const third = 16 + (parseInt(tag, 16) % 224); // 10.213.<16..239>.0/24, a different one per run
  const subnet = `10.213.${third}.0/24`;
  const hostAddress = {} as Record<Link, string>;
  const address = {} as Record<Link, string>;
  const hostDev = (l: Link) => `fr${tag}${l[0]}h`;
  const nsDev = (l: Link) => `fr${tag}${l[0]}n`;
  const dispose = () => {
    for (const l of LINKS) {
      try {
        ip('link', 'del', hostDev(l));
      } catch {
        // already gone (deleting the namespace removes its ends too)
      }
    }
    try {
      ip('netns', 'del', name);
    } catch {
      // already gone
    }
  };
  try {
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    LINKS.forEach((l, i) => {
      hostAddress[l] = `10.213.${third}.${4 * i + 1}`;
      address[l] = `10.213.${third}.${4 * i + 2}`;
      ip('link', 'add', hostDev(l), 'type', 'veth', 'peer', 'name', nsDev(l));
      ip('link', 'set', nsDev(l), 'netns', name);
      ip('addr', 'add', `${hostAddress[l]}/30`, 'dev', hostDev(l));
      ip('link', 'set', hostDev(l), 'up');
      ip('-n', name, 'addr', 'add', `${address[l]}/30`, 'dev', nsDev(l));
      ip('-n', name, 'link', 'set', nsDev(l), 'up');
    });
  } catch (e) {
    dispose();
    throw e;
  }
  return {
    name,
    hostAddress,
    address,
    subnet,
    down: (l) => ip('link', 'set', hostDev(l), 'down'),
    up: (l) => ip('link', 'set', hostDev(l), 'up'),
    dispose,
  };
}
