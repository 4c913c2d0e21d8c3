import { describe, expect, it } from "vitest";
import { PendingAnswers } from "../../src/store/pending-answers.js";
import { testRedis } from "../support/redis.js";

const answer = (chat: number, message: number) => ({ chat, message, user: chat, again: "iv:7d:USDT:-:-", locale: "zh" });

describe("answers in progress across replicas", () => {
  it("are taken over once their replica stops renewing them, by one replica only", async () => {
    const { redis, prefix } = testRedis();
    let clock = 1_000_000;
    const [dead, alive, other] = [0, 1, 2].map(() => new PendingAnswers(redis, prefix, 1_000, () => clock)) as [
      PendingAnswers,
      PendingAnswers,
      PendingAnswers,
    ];
    await dead.register(answer(7, 70));
    await alive.register(answer(8, 80));
    expect(await other.takeOver()).toEqual([]);
    clock += 600;
    await alive.renew();
    clock += 600;
    // The dead replica's lease lapsed; the live one's was renewed.
    const taken = await other.takeOver();
    expect(taken.map(({ token: _, ...rest }) => rest)).toEqual([answer(7, 70)]);
    expect(await alive.takeOver()).toEqual([]);
    await other.finish(7, 70, taken[0]!.token);
    expect(await redis.hkeys(`${prefix}pending`)).toEqual(["8:80"]);
    // A stopping replica takes its own.
    expect((await alive.takeOver({ mine: true })).map((entry) => entry.message)).toEqual([80]);
  });

  it("end only with the token of the answer that registered them: a later answer on the message stays", async () => {
    const { redis, prefix } = testRedis();
    const pending = new PendingAnswers(redis, prefix);
    const first = await pending.register(answer(7, 70));
    const second = await pending.register(answer(7, 70));
    await pending.finish(7, 70, first);
    expect(await redis.hlen(`${prefix}pending`)).toBe(1);
    await pending.finish(7, 70, second);
    expect(await redis.hlen(`${prefix}pending`)).toBe(0);
  });

  it("are forgotten for one chat, and nobody else's", async () => {
    const { redis, prefix } = testRedis();
    const pending = new PendingAnswers(redis, prefix);
    await Promise.all([pending.register(answer(7, 70)), pending.register(answer(7, 71)), pending.register(answer(77, 70))]);
    await pending.forget(7);
    expect(await redis.hkeys(`${prefix}pending`)).toEqual(["77:70"]);
  });
});
