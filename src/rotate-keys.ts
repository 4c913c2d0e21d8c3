import "dotenv/config";
import { ConfigError, loadConfig } from "./config.js";
import { CredentialStore } from "./store/credentials.js";
import { connectRedis, readyForCommands } from "./store/redis.js";
import { Vault } from "./store/vault.js";

/** Re-seals every stored credential with the first key of ENCRYPTION_KEYS; safe to run while bots run. */
async function rotate(): Promise<void> {
  const config = loadConfig(process.env);
  // Wherever the bot finds Redis: through Sentinel or in a cluster too.
  const redis = connectRedis(config.redis);
  try {
    if (!(await readyForCommands(redis, 10_000))) throw new Error("Redis is out of reach: nothing was changed.");
    const store = new CredentialStore(redis, new Vault(config.masterKeys), config.redisPrefix);
    const { rotated, total } = await store.rotate();
    process.stdout.write(`Re-encrypted ${rotated} of ${total} stored keys with master key "${config.masterKeys[0]!.id}".\n`);
  } finally {
    await redis.quit();
  }
}

rotate().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
