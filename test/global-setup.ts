import type { TestProject } from "vitest/node";
import { startRedis } from "./support/redis-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** One real Redis for the whole run; each test keeps to its own key prefix. */
export default async function setup(project: TestProject) {
  const redis = await startRedis();
  project.provide("redisUrl", redis.url);
  return () => redis.stop();
}
