import { Redis, type RedisOptions } from "ioredis";

export interface RedisSettings {
  url: string;
  /** Through Sentinel when given: the URL's host is then ignored, its password and database still apply. */
  sentinels?: { host: string; port: number }[];
  sentinelName: string;
}

/**
 * The bot's Redis connection. Commands fail within 3 s while Redis is down or stalled, so a person hears
 * about it instead of waiting; the connection itself keeps reconnecting in the background.
 */
export function connectRedis(settings: RedisSettings): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: 1, commandTimeout: 3_000 };
  if (settings.sentinels !== undefined) Object.assign(options, { sentinels: settings.sentinels, name: settings.sentinelName });
  return new Redis(settings.url, options);
}
