import { once } from "node:events";
import { Cluster, Redis, type RedisOptions } from "ioredis";

/** A single Redis (perhaps found through Sentinel) or a Redis Cluster: the same commands either way. */
export type RedisClient = Redis | Cluster;

export interface RedisSettings {
  url: string;
  /** Through Sentinel when given: the URL's host is then ignored, its password and database still apply. */
  sentinels?: { host: string; port: number }[];
  sentinelName: string;
  /** A Redis Cluster, reached through these nodes: the URL's host is then ignored, its user, password and TLS still apply. */
  clusterNodes?: { host: string; port: number }[];
}

/** Fail within 3 s while Redis is down or stalled, so a person hears about it instead of waiting. */
const COMMAND_OPTIONS: RedisOptions = { maxRetriesPerRequest: 1, commandTimeout: 3_000 };

/** What a cluster's node connections take from the URL: who we are and whether to speak TLS. */
function nodeOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = { ...COMMAND_OPTIONS };
  if (parsed.username !== "") options.username = decodeURIComponent(parsed.username);
  if (parsed.password !== "") options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === "rediss:") options.tls = {};
  return options;
}

/**
 * The bot's Redis connection. Commands fail within 3 s while Redis is down or stalled; the connection itself
 * keeps reconnecting in the background. Commands issued in the same tick (many updates at once each make a
 * few) go out in one write. Connections for blocking reads (BullMQ) or subscriptions (Bottleneck) are
 * duplicated without that (`duplicateRedis`).
 */
export function connectRedis(settings: RedisSettings): RedisClient {
  if (settings.clusterNodes !== undefined) {
    // A cluster holds commands while it has no connection, and no timeout reaches them there: with the queue
    // off they fail at once instead, while every node is out of reach (see `readyForCommands` for the start).
    return new Cluster(settings.clusterNodes, { enableAutoPipelining: true, enableOfflineQueue: false, redisOptions: nodeOptions(settings.url) });
  }
  const options: RedisOptions = { ...COMMAND_OPTIONS, enableAutoPipelining: true };
  if (settings.sentinels !== undefined) Object.assign(options, { sentinels: settings.sentinels, name: settings.sentinelName });
  return new Redis(settings.url, options);
}

/**
 * Resolves true once commands can go out, or false after `timeoutMs` (Redis is still out of reach). A single
 * Redis queues them until it has connected; a cluster fails them until then.
 */
export async function readyForCommands(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (!(client instanceof Cluster) || client.status === "ready") return true;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  try {
    await once(client, "ready", { signal: timeout.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Another connection to the same Redis or cluster, with some options changed. */
export function duplicateRedis(client: RedisClient, options: RedisOptions): RedisClient {
  if (client instanceof Cluster) {
    // These two are the cluster's own; the rest apply to each node's connection.
    const { enableAutoPipelining, enableOfflineQueue, ...perNode } = options;
    return client.duplicate(undefined, {
      ...(enableAutoPipelining === undefined ? {} : { enableAutoPipelining }),
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      redisOptions: { ...client.options.redisOptions, ...perNode },
    });
  }
  return client.duplicate(options);
}

/**
 * A key part that keeps the keys carrying it in one cluster slot (`{part}`), which keys used together in one
 * transaction or script must share; on a single Redis it stays as it is, so existing keys keep their names.
 */
export function slotTag(client: RedisClient, part: string): string {
  return client instanceof Cluster ? `{${part}}` : part;
}

/** Every key matching `pattern`: a cluster holds its keys on several primaries, so each is scanned. */
export async function* scanKeys(client: RedisClient, pattern: string, count = 200): AsyncGenerator<string> {
  const nodes: Redis[] = client instanceof Cluster ? client.nodes("master") : [client];
  for (const node of nodes) {
    for (let cursor = "0"; ;) {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", count);
      yield* keys;
      if (next === "0") break;
      cursor = next;
    }
  }
}

/** `text` matched literally inside a SCAN pattern: `*`, `?`, brackets and backslashes escaped. */
export function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/**
 * Deletes every key matching `pattern`, a key at a time (keys of one pattern may sit in different cluster
 * slots); returns how many were deleted. For the rare erasures that cannot name their keys in advance.
 */
export async function deleteMatching(client: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  const batch: string[] = [];
  const flush = async () => {
    const counts = await Promise.all(batch.splice(0).map((key) => client.del(key)));
    deleted += counts.reduce((sum, count) => sum + count, 0);
  };
  for await (const key of scanKeys(client, pattern, 1000)) {
    batch.push(key);
    if (batch.length >= 100) await flush();
  }
  await flush();
  return deleted;
}
