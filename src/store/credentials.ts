import { globLiteral, scanKeys, type RedisClient } from "./redis.js";
import { z } from "zod";
import { REGIONS, type OkxCredentials, type Region } from "../domain/api-key.js";
import { VaultError, type Vault } from "./vault.js";

/** What is known about a connected key besides its secrets; none of it opens the account. */
export interface ConnectionInfo {
  /** OKX account UID: the key of the account's limiter and caches. */
  uid: string;
  /** The key's label on OKX. */
  label: string;
  permissions: string[];
  region: Region;
  demo: boolean;
  connectedAt: number;
}

/** One of a person's accounts as listed, without opening its key. */
export interface AccountEntry extends ConnectionInfo {
  /** A small number naming the account among the person's own in buttons; stable while it stays connected. */
  slot: number;
  /** The person's own name for it (`/accounts` → Rename); empty: none. */
  name: string;
  /** Whether commands that name no account use this one. */
  isDefault: boolean;
}

export interface Connection {
  credentials: OkxCredentials;
  info: AccountEntry;
  /** The API key with all but its first and last four characters hidden. */
  maskedKey: string;
}

/** What `save` did: added the account, replaced the key of an account already connected, or refused (at the limit). */
export type SaveOutcome = { kind: "added"; slot: number } | { kind: "replaced"; slot: number } | { kind: "full"; max: number };

const secretsSchema = z.object({ apiKey: z.string(), secret: z.string(), passphrase: z.string() });

const entrySchema = z.object({
  sealed: z.string(),
  slot: z.coerce.number().int().min(0),
  name: z.string().default(""),
  label: z.string().default(""),
  permissions: z.string().default(""),
  region: z.string().default("global"),
  demo: z.string().default("0"),
  connectedAt: z.coerce.number().default(0),
});

export function maskApiKey(apiKey: string): string {
  return apiKey.length <= 8 ? "••••" : `${apiKey.slice(0, 4)}••••${apiKey.slice(-4)}`;
}

/** An account `forget` erased, and whether another Telegram user is still connected to it. */
export interface LeftAccount {
  uid: string;
  shared: boolean;
}

/** What `forget` erased. */
export interface Forgotten {
  /** A key was stored. */
  erased: boolean;
  accounts: LeftAccount[];
}

/** The hash fields of a key stored before a person could hold several accounts. */
const LEGACY_FIELDS = ["sealed", "uid", "label", "permissions", "region", "demo", "connectedAt"] as const;

/**
 * Moves a key stored before a person could hold several accounts into the per-account form (slot 0, the
 * default). Every script that writes a person's accounts begins with it.
 */
const MIGRATE = `
local legacy = redis.call('HGET', KEYS[1], 'sealed')
if legacy then
  local uid = redis.call('HGET', KEYS[1], 'uid') or ''
  local entry = { sealed = legacy, slot = '0', name = '' }
  for _, field in ipairs({ 'label', 'permissions', 'region', 'demo', 'connectedAt' }) do
    entry[field] = redis.call('HGET', KEYS[1], field) or ''
  end
  redis.call('HDEL', KEYS[1], ${LEGACY_FIELDS.map((field) => `'${field}'`).join(", ")})
  if uid ~= '' then
    redis.call('HSET', KEYS[1], 'a:' .. uid, cjson.encode(entry))
    redis.call('HSET', KEYS[1], 'default', uid)
  end
end
`;

/**
 * KEYS: the person's hash. ARGV: uid, the entry (JSON, without a slot), the most accounts allowed. The
 * key of an account already held replaces the old one in its place (slot, name); a new account takes the
 * smallest free slot, and becomes the default if none is set.
 */
const SAVE = `${MIGRATE}
local field = 'a:' .. ARGV[1]
local entry = cjson.decode(ARGV[2])
local held = redis.call('HGET', KEYS[1], field)
if held then
  local old = cjson.decode(held)
  entry.slot = old.slot
  entry.name = old.name
  redis.call('HSET', KEYS[1], field, cjson.encode(entry))
  return { 'replaced', tostring(old.slot) }
end
local used = {}
local count = 0
local fields = redis.call('HGETALL', KEYS[1])
for index = 1, #fields, 2 do
  if string.sub(fields[index], 1, 2) == 'a:' then
    count = count + 1
    used[tonumber(cjson.decode(fields[index + 1]).slot)] = true
  end
end
if count >= tonumber(ARGV[3]) then return { 'full', ARGV[3] } end
local slot = 0
while used[slot] do slot = slot + 1 end
entry.slot = tostring(slot)
redis.call('HSET', KEYS[1], field, cjson.encode(entry))
if not redis.call('HGET', KEYS[1], 'default') then redis.call('HSET', KEYS[1], 'default', ARGV[1]) end
return { 'added', tostring(slot) }
`;

/**
 * KEYS: the person's hash. ARGV: uid. Erases the account's key; the default moves to the oldest account
 * left. Returns 1 if there was one.
 */
const REMOVE = `${MIGRATE}
if redis.call('HDEL', KEYS[1], 'a:' .. ARGV[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'default') == ARGV[1] then
  local oldest, oldestAt
  local fields = redis.call('HGETALL', KEYS[1])
  for index = 1, #fields, 2 do
    if string.sub(fields[index], 1, 2) == 'a:' then
      local at = tonumber(cjson.decode(fields[index + 1]).connectedAt) or 0
      if oldest == nil or at < oldestAt then oldest, oldestAt = string.sub(fields[index], 3), at end
    end
  end
  if oldest then redis.call('HSET', KEYS[1], 'default', oldest) else redis.call('DEL', KEYS[1]) end
end
return 1
`;

/** KEYS: the person's hash. ARGV: uid, field, value. Sets one field of an account's entry; 0 if it is not held. */
const UPDATE = `${MIGRATE}
local held = redis.call('HGET', KEYS[1], 'a:' .. ARGV[1])
if not held then return 0 end
if ARGV[2] == 'default' then redis.call('HSET', KEYS[1], 'default', ARGV[1]) return 1 end
local entry = cjson.decode(held)
entry[ARGV[2]] = ARGV[3]
redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], cjson.encode(entry))
return 1
`;

/**
 * Each Telegram user's OKX accounts, in one hash `<prefix>cred:<telegram user id>`: per account
 * (`a:<uid>`) its key, secret and passphrase sealed together (bound to the user), beside plain facts about
 * the connection, and which account is the default. Each account's connected Telegram users are kept in a
 * set, `<prefix>acct:<uid>:users`, so that the account's cache, which they share, is erased when the last
 * of them disconnects.
 */
export class CredentialStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly vault: Vault,
    private readonly prefix: string,
    /** The most accounts one person may hold (`MAX_ACCOUNTS_PER_USER`). */
    private readonly maxAccounts = 10,
  ) {}

  private key(userId: number): string {
    return `${this.prefix}cred:${userId}`;
  }

  private static context(userId: number): string {
    return `cred:${userId}`;
  }

  private accountKey(uid: string): string {
    return `${this.prefix}acct:${uid}:users`;
  }

  /**
   * Adds the account of `info.uid`, or gives an account already held its new key (a key is recognised by
   * its account, so one account is never there twice); refused past the most accounts allowed.
   */
  async save(userId: number, credentials: OkxCredentials, info: ConnectionInfo): Promise<SaveOutcome> {
    const { apiKey, secret, passphrase } = credentials;
    const sealed = this.vault.seal(JSON.stringify({ apiKey, secret, passphrase }), CredentialStore.context(userId));
    const entry = {
      sealed,
      name: "",
      label: info.label,
      permissions: info.permissions.join(","),
      region: info.region,
      demo: info.demo ? "1" : "0",
      connectedAt: String(info.connectedAt),
    };
    // Counted among the account's users before the key is there: a disconnect of another user meanwhile sees this one.
    const wasUser = (await this.redis.sadd(this.accountKey(info.uid), String(userId))) === 0;
    let outcome: SaveOutcome;
    try {
      const [kind, value] = (await this.redis.eval(SAVE, 1, this.key(userId), info.uid, JSON.stringify(entry), String(this.maxAccounts))) as [
        string,
        string,
      ];
      outcome = kind === "full" ? { kind, max: Number(value) } : { kind: kind === "added" ? "added" : "replaced", slot: Number(value) };
    } catch (error) {
      // Not stored: not counted either (unless the account was already held).
      if (!wasUser) await this.redis.srem(this.accountKey(info.uid), String(userId)).catch(() => undefined);
      throw error;
    }
    if (outcome.kind === "full" && !wasUser) await this.redis.srem(this.accountKey(info.uid), String(userId));
    return outcome;
  }

  /** The person's accounts, the default first, then in the order they were connected; no key is opened. */
  async accounts(userId: number): Promise<AccountEntry[]> {
    return (await this.entries(userId)).map(({ entry }) => entry);
  }

  private async entries(userId: number): Promise<{ entry: AccountEntry; sealed: string }[]> {
    const fields = await this.redis.hgetall(this.key(userId));
    const found: { entry: AccountEntry; sealed: string }[] = [];
    const add = (uid: string, raw: z.input<typeof entrySchema>) => {
      const parsed = entrySchema.safeParse(raw);
      if (!parsed.success || uid === "") return;
      const { sealed, slot, name, label, permissions, region, demo, connectedAt } = parsed.data;
      found.push({
        sealed,
        entry: {
          uid,
          slot,
          name,
          label,
          permissions: permissions.split(",").filter(Boolean),
          region: REGIONS.find((candidate) => candidate === region) ?? "global",
          demo: demo === "1",
          connectedAt,
          isDefault: false,
        },
      });
    };
    if (fields.sealed !== undefined) add(fields.uid ?? "", { ...fields, sealed: fields.sealed, slot: "0" });
    for (const [field, value] of Object.entries(fields)) {
      if (!field.startsWith("a:")) continue;
      try {
        add(field.slice(2), JSON.parse(value) as z.input<typeof entrySchema>);
      } catch {
        // An entry that is not JSON is no account: skipped, and erased by the next /disconnect.
      }
    }
    const defaultUid = fields.default ?? found[0]?.entry.uid;
    for (const { entry } of found) entry.isDefault = entry.uid === defaultUid;
    return found.sort((a, b) => Number(b.entry.isDefault) - Number(a.entry.isDefault) || a.entry.connectedAt - b.entry.connectedAt);
  }

  /**
   * Opens one of the person's accounts (by UID), or the default with none named; undefined if it is not
   * held. Throws `VaultError` for a key that no longer opens.
   */
  async load(userId: number, uid?: string): Promise<Connection | undefined> {
    const found = (await this.entries(userId)).find(({ entry }) => (uid === undefined ? entry.isDefault : entry.uid === uid));
    if (found === undefined) return undefined;
    const secrets = secretsSchema.parse(JSON.parse(this.vault.open(found.sealed, CredentialStore.context(userId))));
    const { entry } = found;
    return { credentials: { ...secrets, region: entry.region, demo: entry.demo }, info: entry, maskedKey: maskApiKey(secrets.apiKey) };
  }

  /** Every account of the person's whose key opens, the default first. */
  async openAll(userId: number): Promise<Connection[]> {
    const opened: Connection[] = [];
    for (const { uid } of await this.accounts(userId)) {
      const connection = await this.load(userId, uid).catch((error: unknown) => {
        if (error instanceof VaultError) return undefined;
        throw error;
      });
      if (connection !== undefined) opened.push(connection);
    }
    return opened;
  }

  /** Whether a key is stored for the user, without opening it. */
  async has(userId: number): Promise<boolean> {
    return (await this.redis.exists(this.key(userId))) === 1;
  }

  /** Whether the user still holds this account (a walk for it may go on). */
  async holds(userId: number, uid: string): Promise<boolean> {
    return (await this.accounts(userId)).some((entry) => entry.uid === uid);
  }

  /** Gives one of the person's accounts their own name ("" takes it away); false if it is not held. */
  async rename(userId: number, uid: string, name: string): Promise<boolean> {
    return (await this.redis.eval(UPDATE, 1, this.key(userId), uid, "name", name)) === 1;
  }

  /** Makes one of the person's accounts the one commands use when none is named; false if it is not held. */
  async makeDefault(userId: number, uid: string): Promise<boolean> {
    return (await this.redis.eval(UPDATE, 1, this.key(userId), uid, "default", "")) === 1;
  }

  /** Erases one of the person's accounts: its key and their place among its users. */
  async forgetAccount(userId: number, uid: string): Promise<Forgotten> {
    const erased = (await this.redis.eval(REMOVE, 1, this.key(userId), uid)) === 1;
    if (!erased) return { erased, accounts: [] };
    return { erased, accounts: [{ uid, shared: await this.leave(uid, userId) }] };
  }

  /** Erases all of the user's keys (ones that no longer open all the same) and their place among the accounts' users. */
  async forget(userId: number): Promise<Forgotten> {
    const held = await this.accounts(userId);
    const erased = (await this.redis.del(this.key(userId))) > 0;
    const accounts: LeftAccount[] = [];
    for (const { uid } of held) accounts.push({ uid, shared: await this.leave(uid, userId) });
    return { erased, accounts };
  }

  /** Takes the user out of the account's users; true if others are still connected to it. */
  private async leave(uid: string, userId: number): Promise<boolean> {
    const accountKey = this.accountKey(uid);
    const [removed, left] = await Promise.all([this.redis.srem(accountKey, String(userId)), this.redis.scard(accountKey)]);
    if (removed === 1) return left > 0;
    // Stored before accounts kept their users, and not indexed yet: the stored keys say who else is connected.
    return (await this.index(uid)) > 0;
  }

  /**
   * Counts in the account's users everyone whose stored keys include it (`uid`), or for every account, as
   * keys stored before accounts kept their users need; returns how many were found. Safe beside connects
   * and disconnects: a user is kept only if their key is still there once counted.
   */
  async index(uid?: string): Promise<number> {
    let found = 0;
    const start = `${this.prefix}cred:`.length;
    for await (const key of scanKeys(this.redis, `${globLiteral(this.prefix)}cred:*`, 1000)) {
      const userId = Number(key.slice(start));
      for (const entry of await this.accounts(userId)) {
        if (uid !== undefined && entry.uid !== uid) continue;
        await this.redis.sadd(this.accountKey(entry.uid), String(userId));
        // A disconnect erases the key before it leaves the set: one that did so meanwhile is taken out again.
        if (await this.holds(userId, entry.uid)) found++;
        else await this.redis.srem(this.accountKey(entry.uid), String(userId));
      }
    }
    return found;
  }

  /** Re-seals every key not sealed with the current master key; returns how many were re-sealed. */
  async rotate(): Promise<{ rotated: number; total: number }> {
    let rotated = 0;
    let total = 0;
    for await (const key of scanKeys(this.redis, `${globLiteral(this.prefix)}cred:*`)) {
      const context = CredentialStore.context(Number(key.slice(this.prefix.length + "cred:".length)));
      const fields = await this.redis.hgetall(key);
      for (const [field, value] of Object.entries(fields)) {
        const entry = field === "sealed" ? undefined : field.startsWith("a:") ? (JSON.parse(value) as { sealed?: string }) : null;
        const sealed = entry === undefined ? value : entry?.sealed;
        if (entry === null || sealed === undefined) continue;
        total++;
        if (this.vault.isCurrent(sealed)) continue;
        const resealed = this.vault.seal(this.vault.open(sealed, context), context);
        await this.redis.hset(key, field, entry === undefined ? resealed : JSON.stringify({ ...entry, sealed: resealed }));
        rotated++;
      }
    }
    return { rotated, total };
  }
}
