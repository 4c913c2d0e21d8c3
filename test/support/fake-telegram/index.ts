import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeTelegramServer } from "./server.js";
import type { FakeTelegram, FakeTelegramOptions } from "./types.js";

/*
 * A local Telegram Bot API for end-to-end tests, benchmarks and the terminal demo. The real grammY bot talks
 * to it over HTTP through its `apiRoot` option, exactly as it talks to api.telegram.org; tests play the users
 * (`sendText`, `pressButton`) and read what the bot did (`botMessages`, `calls`, `waitFor`).
 */

export type * from "./types.js";
export { fakeBotInfo } from "./bot-identity.js";
export { UploadedFile } from "./multipart.js";

/** Starts the fake on loopback; point grammY at it with `new Bot(fake.token, { client: { apiRoot: fake.apiRoot } })`. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  // Idle connections are kept for a minute, as HTTP front ends do: Node's 5 s would race clients that
  // reuse a connection the moment the fake closes it, a reset a real API seldom gives.
  const server = createServer({ keepAliveTimeout: 60_000 });
  server.listen(options.port ?? 0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return new FakeTelegramServer(server, `http://127.0.0.1:${port}`, options);
}
