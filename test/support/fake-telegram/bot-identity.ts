import type { UserFromGetMe } from "grammy/types";

const DEFAULT_BOT_ID = 7000000001;
export const DEFAULT_TOKEN = `${DEFAULT_BOT_ID}:AAFakeTelegramTokenForTestsOnly_0000000`;

/** The bot's id is the token's first part, as with real tokens; the default id if the token has none. */
export function botIdOf(token: string): number {
  const botId = Number(token.split(":")[0]);
  return Number.isSafeInteger(botId) && botId > 0 ? botId : DEFAULT_BOT_ID;
}

/** What `getMe` answers for the fake bot. */
export function fakeBotInfo(id: number): UserFromGetMe {
  return {
    id,
    is_bot: true,
    first_name: "Fake Bot",
    username: "fake_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}
