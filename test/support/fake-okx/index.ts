import { createHash } from "node:crypto";
import type { Region } from "../../../src/domain/api-key.js";
import { generateAccruals, type AccrualOptions } from "./accruals.js";
import type { FakeOkxAccount } from "./server.js";

export { BEFORE_READINGS, startFakeOkx, type BeforeReading, type FakeOkx, type FakeOkxAccount, type FakeOkxOptions, type Fault } from "./server.js";
export { generateAccruals, DEFAULT_LINES, HOUR_MS, type LoanLine } from "./accruals.js";

/** A UUID-shaped API key derived from a name, so fixtures are stable. */
function apiKeyFor(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface AccountFixture extends Partial<Omit<FakeOkxAccount, "records">>, AccrualOptions {
  name: string;
  records?: FakeOkxAccount["records"];
}

/** An account with a read-only key and a year of generated accruals unless told otherwise. */
export function fakeAccount(fixture: AccountFixture): FakeOkxAccount {
  const digits = createHash("sha256").update(`uid:${fixture.name}`).digest().readUIntBE(0, 6);
  return {
    uid: fixture.uid ?? String(100_000_000_000 + (digits % 900_000_000_000)),
    apiKey: fixture.apiKey ?? apiKeyFor(fixture.name),
    secret: fixture.secret ?? createHash("sha256").update(`secret:${fixture.name}`).digest("hex").slice(0, 32).toUpperCase(),
    passphrase: fixture.passphrase ?? `Pass-${fixture.name}-1`,
    demo: fixture.demo ?? false,
    region: fixture.region ?? ("global" satisfies Region),
    label: fixture.label ?? `${fixture.name}-readonly`,
    perm: fixture.perm ?? "read_only",
    ip: fixture.ip ?? "",
    records: fixture.records ?? generateAccruals(fixture),
  };
}
