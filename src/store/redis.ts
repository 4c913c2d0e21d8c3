import { Redis, type RedisOptions } from "ioredis";

export interface RedisSettings {
  url: string;
  /** Through Sentinel when given: the URL's host is then ignored, its password and database still apply. */
  sentinels?: { host: string; port: number }[];
  sentinelName: string;
}

/**
 * The bot's Redis connection. Commands fail within 3 s while Redis is down or stalled, so a person hears
 * about it instead of waiting; the connection itself keeps reconnecting in the background. Commands issued
 * in the same tick (many updates at once each make a few) go out in one write. Connections for blocking
 * reads (BullMQ) or subscriptions (Bottleneck) are duplicated without that.
 */
export function connectRedis(settings: RedisSettings): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: 1, commandTimeout: 3_000, enableAutoPipelining: true };
  if (settings.sentinels !== undefined) Object.assign(options, { sentinels: settings.sentinels, name: settings.sentinelName });
  return new Redis(settings.url, options);
}
