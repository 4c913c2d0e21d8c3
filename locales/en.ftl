# Messages are HTML; variables that come from people or OKX are escaped before they get here.

env-live = live
env-demo = demo

start-welcome =
    Hi! I show what your OKX margin loans cost you in interest.

    1. /connect — link a <b>read-only</b> OKX API key (stored encrypted)
    2. /interest USDT — interest summary, with filter buttons
    3. /digest — a daily summary at the hour you choose

    /help for everything · /lang 中文
help =
    <b>What I do</b>
    I read the interest OKX charges on your margin loans and sum it up for you. I only ever read: give me a read-only key.

    /connect — link a read-only OKX API key (private chat only)
    /interest — interest summary: /interest, /interest USDT, /interest USDT 30d, /interest BTC-USDT 1y, /interest USDT 2026-11, /interest 2026, /interest last month
    /chart — interest per day as a picture, same choices: /chart USDT 30d
    /export — the hourly records as a CSV file, same choices: /export USDT 1y
    /filters — choose currency, margin mode, instrument, period and page size step by step
    /digest — a daily summary at the time and time zone you choose: /digest 18:02, /digest Europe/Paris
    /accounts — your OKX accounts (a main account and sub-accounts): rename, make one the default, remove one
    /alerts — a message when borrowing turns expensive: a yearly rate, a spike, a day's cost
    /status — which keys are connected
    /disconnect — erase your key and everything derived from it
    /cancel — stop what we are doing
    /lang — English or 中文

cancel-nothing = There is nothing to cancel.
cancel-done = Cancelled. Nothing was stored.

cmd-start = What this bot does
cmd-help = Every command
cmd-connect = Link a read-only OKX API key
cmd-status = Which key is connected
cmd-disconnect = Erase your key and its data
cmd-accounts = Your OKX accounts: rename, default, remove
cmd-cancel = Stop what we are doing
cmd-lang = Language: English or 中文

button-cancel = Cancel
button-live = Live trading
button-demo = Demo trading
button-store-anyway = Store it anyway
button-stale = This button belongs to an earlier message.

connect-private-only = For your safety I only take API keys in a private chat. Open one here: { $link }
connect-step-key =
    Step 1 of 4 · Send your OKX <b>API key</b> (it looks like 1a2b3c4d-5e6f-…).
    Make it READ-ONLY: this bot never trades.
connect-step-secret = Step 2 of 4 · Send the <b>secret key</b> of this API key. I delete your message as soon as I have read it.
connect-step-passphrase = Step 3 of 4 · Send the <b>passphrase</b> you chose when you created the key. I delete it right away too.
connect-step-env = Step 4 of 4 · Is this key for live trading or demo trading?
connect-bad-key-format = That is not an OKX API key: it has 36 characters like 1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d. Send it again, or /cancel.
connect-bad-secret-format = That is not an OKX secret key: it has 32 letters and digits. Send it again, or /cancel.
connect-bad-passphrase-format = That is not a passphrase OKX accepts: 8 to 32 characters, without spaces. Send it again, or /cancel.
connect-bad-passphrase-characters = That passphrase has characters OKX cannot take (such as Chinese characters or emoji): an OKX passphrase is made of Latin letters, digits and symbols. Send it again, or /cancel.
connect-text-only = I deleted that: please send it as a text message, not a photo, a file or a caption. Or /cancel.
connect-busy = We are in the middle of connecting a key. Send what I asked for, or /cancel to stop.
# The busy message names the conversation that is running.
conversation-busy = { $conversation ->
    [filters] We are in the middle of choosing filters. Pick a button above or send what I asked for, or /cancel to stop.
   *[connect] We are in the middle of connecting a key. Send what I asked for, or /cancel to stop.
}
connect-choose-env = Please choose with the buttons above: live or demo. Or /cancel.
connect-use-buttons = Please answer with the buttons above, or /cancel.
connect-edit-deleted = I deleted the message you edited, in case it held a secret: an edit does not answer my question. Send a new message, or /cancel.
connect-checking = Checking the key with OKX…
connect-region-found = This key belongs to { $region }, so I will use that site.
connect-failed-bad-key = ❌ OKX does not know this API key ({ $code }). Check it and send it again, or /cancel.
connect-failed-bad-signature = ❌ OKX says the signature is wrong ({ $code }): the secret does not belong to this key. Send the secret again, or /cancel.
connect-failed-bad-passphrase = ❌ OKX says the passphrase is wrong ({ $code }). Send it again, or /cancel.
connect-failed-wrong-environment = ❌ OKX says this key is not for { $env } trading ({ $code }). Choose again, or /cancel.
connect-failed-ip = ❌ This key only works from the IP addresses on its whitelist ({ $code }). On OKX, edit the key and remove the IP restriction, then /connect again. Nothing was stored.
connect-failed-permission = ❌ This key lacks the Read permission ({ $code }). Create a read-only key and /connect again. Nothing was stored.
connect-failed-restricted = ❌ OKX says the account or the key is restricted ({ $code }: { $message }). Nothing was stored.
connect-failed-unavailable = ⏳ OKX is not answering right now ({ $code }). Nothing was stored; try /connect again in a minute.
connect-refused-withdraw = ⛔ This key can withdraw funds. I will not store it: create a READ-ONLY key on OKX and /connect again. Nothing was stored.
connect-warn-trade = ⚠️ This key can trade. I only need to read, and a read-only key is safer should this bot or its server ever be compromised. Store it anyway?
connect-done =
    ✅ Connected: “{ $label }” · { $env } · { $permissions } · region: { $region }
    I deleted the messages that held your key, secret and passphrase.
    Try /interest
connect-store-failed = ⏳ I could not save your key: my storage is briefly unavailable. Nothing was stored; please /connect again in a minute.
connect-adds = You have { $count } OKX account(s) connected: this adds another (a main account or a sub-account, each with its own key). A key of an account already connected replaces that account's key.
connect-added =
    ✅ Added: “{ $label }” · { $env } · { $permissions } · region: { $region }
    I deleted the messages that held your key, secret and passphrase.
    You now have { $count } accounts: the buttons under /interest show one or All of them summed; /accounts manages them.
connect-replaced = 🔁 That key is of an account already connected (“{ $label }”, UID { $uid }): I replaced its key with this one. Its history and settings stay.
connect-full = You already have { $max } accounts connected, the most I keep for one person. /accounts removes one. Nothing was stored.

status-none = No OKX key is connected. /connect adds a read-only key.
status-connected =
    🔑 <code>{ $mask }</code> · “{ $label }”
    { $env } · { $permissions } · { $region }
    Connected { $since } ({ $zone })
    /disconnect removes it.
status-unreadable = Your stored key can no longer be read (the bot's encryption keys changed). Please /connect it again.
disconnect-done = Disconnected. I erased your key and everything derived from it.
disconnect-none = There is no key to disconnect.
disconnect-which = You have { $count } accounts connected. Which one should I disconnect? (Everything erases them all, with your settings.)
button-disconnect-all = Everything
accounts-title = <b>Your OKX accounts ({ $count })</b>
accounts-line = { $mark }<b>{ $name }</b> · UID <code>{ $uid }</code> · { $env } · { $region } · since { $since }
accounts-default-mark = ⭐
accounts-hint = ⭐ is the default: what /interest, /chart and /export show when no account is chosen. Tap an account to rename it, make it the default or remove it; /connect adds another.
accounts-rename-ask = Send the name for this account (up to { $limit } characters), or - to go back to its key's label.
accounts-rename-bad = A name is one line of up to { $limit } characters. Send another, or Cancel.
accounts-renamed = Renamed: “{ $name }”.
accounts-default-set = { $name } is now the default.
accounts-remove-ask = Remove “{ $name }”? I erase its key and its history; your other accounts and your settings stay.
accounts-remove-last = Remove “{ $name }”? It is your only account: I erase everything I hold for you, as /disconnect does.
accounts-removed = Removed “{ $name }”. Your other accounts are as they were: /accounts lists them.
button-rename = ✏️ Rename
button-make-default = ⭐ Make default
button-remove = 🗑 Remove
button-remove-confirm = 🗑 Yes, remove
status-several = { $count } accounts connected: /accounts manages them.

secret-deleted = That looked like an OKX API key or secret, so I deleted it. To connect a key, use /connect.
secret-in-group = ⚠️ That looked like an OKX API key or secret. Never post keys in a group: revoke it on OKX now, and connect keys with me in a private chat.
unknown-text = I did not understand that. /help lists what I can do.

lang-choose = Choose a language:
lang-set = Language: English.

error-storage = ⏳ I am briefly unavailable (storage). Nothing you stored was lost; please try again in a minute.
error-internal = Something went wrong on my side. Nothing you stored was lost; please try again.
error-busy = ⏳ I am still working on your previous request. Please try again when it has answered.
not-allowed = Sorry, this bot is private to its team. Nothing about you was stored.
not-allowed-short = This bot is private to its team.
flood-slow-down = 🐢 That is a lot of messages at once. I will answer again in { $seconds } seconds.

cmd-interest = Interest summary, e.g. /interest USDT 7d

period-24h = last 24 hours
period-7d = last 7 days
period-30d = last 30 days
period-90d = last 90 days
period-1y = last year
period-this-month = this month
period-last-month = last month

interest-usage = Try /interest, /interest USDT or /interest USDT 7d (periods: 24h, 7d, 30d, 90d, 1y, a month like 2026-11, a year like 2026, this month, last month).
interest-bad-currency = “{ $value }” is not a currency code. Try /interest USDT.
interest-bad-period = “{ $value }” is not a period I know: 24h, 7d, 30d, 90d or 1y, a month like 2026-11, a year like 2026, this month or last month.
interest-period-future = That period has not begun yet: ask for one that has, such as this month.
interest-period-before-kept = That period ended before the history I keep: the last { $days } days.
interest-period-not-held = I hold nothing of that period: OKX serves only its last year, and I keep older records only from while a key of this account was connected.
interest-no-key = No OKX key is connected yet. /connect a read-only key first.
interest-account-gone = That account is no longer connected: /accounts lists those that are.
interest-loading = ⏳ Asking OKX…
interest-progress = ⏳ Loading your history from OKX: back to { $date } so far ({ $pages } pages)…
interest-title = 💸 <b>{ $what }</b> interest · { $period }
interest-all = All currencies
interest-range = { $from } – { $to } ({ $zone })
interest-total = Total
interest-hours = over { $hours } h
interest-rate-now = Rate now
interest-rate-end = End rate
interest-average = Average
interest-debt-now = Debt now
interest-debt-end = End debt
interest-peak = peak { $amount }
interest-free = Free debt
interest-next-30d = Next 30 d
interest-per-hour = /h
interest-per-year = a year
interest-by-line = By margin mode
interest-by-account = By account
interest-all-accounts = All accounts ({ $count })
account-shown = Account: { $account }
interest-more = …and { $count } more currencies: pick one with the button below.
interest-more-lines = …and { $count } more lines: /interest { $ccy } isolated, or pick an instrument with the button below.
interest-empty = No interest in this period{ $filter }. { $hint }
interest-never-borrowed = Your account has no interest on { $ccy } in the past year. It has: { $known }.
interest-no-history = OKX has no interest records for this account in the past year: nothing borrowed, nothing charged.
interest-kept-from = ℹ️ Figures from { $date } on: I hold nothing older (OKX serves one year; I keep older records only from while a key of this account was connected).
interest-partial = ⏳ Figures from { $date } on: the rest of your history is loading, and this message updates itself when it is in.
interest-stale = ⚠️ OKX is not answering ({ $code }); these figures are from { $date }.
interest-stale-unreadable = ⚠️ OKX sent figures I could not read ({ $code }). I stored none of them; these figures are the ones I held, from { $date }.
interest-key-broken = ❌ OKX refused your key ({ $code }: { $message }). /connect it again.
interest-okx-down = ⏳ OKX is not answering right now ({ $code }). Try again in a minute.
interest-okx-unreadable = ⚠️ OKX sent figures I could not read ({ $code }). I stored none of them, and what I already held is unchanged. Try again later.
interest-updated = Updated { $time }
answer-interrupted = ⚠️ This answer was cut short: the bot restarted while it was working on it. Press the button to ask again.
button-ask-again = 🔄 Ask again

button-all-modes = All modes
button-cross = Cross
button-isolated = Isolated
button-currency = { $ccy } ▾
button-any-currency = Currency ▾
button-instrument = { $inst } ▾
button-any-instrument = Instrument ▾
button-records = 📜 Records
button-refresh = 🔄 Refresh
button-this-month = This month
button-last-month = Last month
button-all = All
button-back = « Back
button-newer = « Newer
button-older = Older »

records-title = 📜 Hourly records · { $what } · { $period }
records-empty = No records on this page.
records-more = { $count } more records of this page did not fit in one message: they are on the next one.

cmd-filters = Choose every filter step by step

button-filters = ⚙ Filters
button-show = Show summary
button-save-default = Save as my default

filters-intro = Let us choose filters step by step. Loan type: market loans (OKX's only type, 2).
filters-step-account = First · Which account? One of them, or All of them summed.
filters-step-currency = 1/5 · Which currency? Pick one, or type its code (e.g. USDT).
filters-step-mode = 2/5 · Which margin mode?
filters-step-instrument = 3/5 · Which instrument? Pick one, or type it (e.g. BTC-USDT).
filters-step-period = 4/5 · Which period?
filters-step-limit = 5/5 · How many hourly records per page? Pick one, or type 1 to 100.
filters-bad-currency = That is not a currency code. Type one like USDT, or pick a button.
filters-bad-instrument = That is not an instrument. Type one like BTC-USDT, or pick a button.
filters-bad-limit = Type a whole number from 1 to 100, or pick a button.
filters-use-buttons = Please pick one of the buttons, or /cancel.
filters-done = Filters: <b>{ $view }</b> · { $period } · { $limit } records per page.
filters-saved = Saved: /interest starts from these filters now.
records-columns = Time|Ccy|Mode|Interest

cmd-digest = Daily digest: time, zone, currencies

digest-title = ☀️ <b>Your borrowing, { $day }</b>
digest-late = ⏰ This digest was due { $time }; I was unavailable then.
digest-nothing = No interest accrued that day or the six before it.
digest-change = ({ $change } vs the day before)
digest-change-none = (nothing the day before)
digest-rate = { $hourly }/h ≈ { $yearly } a year
digest-debt = Debt now { $amount }
digest-month = Month: { $sofar } so far · ≈ { $projected } { $ccy } projected
digest-more = …and { $list }: see /interest.
digest-more-accounts = …and the accounts { $list }: see /interest.
digest-partial = ⚠️ History held from { $date } on; older days show less than they were.
digest-no-key = ❌ I could not make your daily digest: no OKX key is connected. /connect one and the digest resumes; I will not repeat this every day.
digest-key-unreadable = ❌ I could not make your daily digest: your stored key can no longer be read. /connect it again and the digest resumes; I will not repeat this every day.
digest-key-broken = ❌ I could not make your daily digest: OKX refused your key ({ $code }: { $message }). /connect a working key and the digest resumes; I will not repeat this every day.
digest-okx-unreadable = ❌ I could not make your daily digest: OKX sent figures I could not read ({ $code }). I stored none of them, and what I already held is unchanged. The digest resumes once OKX sends figures I can read; I will not repeat this every day.

digest-settings-on = 🗓 <b>Daily digest: on</b>
digest-settings-off = 🗓 <b>Daily digest: off</b>
digest-settings-time = Time: { $time } · { $zone } ({ $offset })
digest-settings-currencies = Currencies: { $list }
digest-settings-accounts = Accounts: { $list }
digest-settings-next = Next: { $time }
digest-zone-guessed = (time zone guessed from your language: change it with 🌍 Zone)
digest-all-currencies = All currencies
digest-all-accounts = All accounts
digest-turned-on = Digest on
digest-turned-off = Digest off
digest-on-its-way = On its way
digest-choose-hour =
    At what hour? (your local time)
    Pick one, or send a time such as 8:30 or 18:02.
digest-choose-minute = And the minute? (or send a time such as 7:05)
digest-choose-zone = Your time zone: pick one, type its name (e.g. Europe/Paris), or share your location.
digest-choose-currencies = Which currencies? None ticked means all.
digest-choose-accounts = Which accounts? None ticked means all, each its own part of the digest.
digest-share-location = Press the button below to share your location; I use it only to find your time zone and keep nothing else.
digest-zone-set = Time zone: { $zone }.
digest-zone-unknown = I do not know the time zone “{ $zone }”. Type an IANA name such as Europe/Paris or America/New_York.
digest-zone-expected = Send a time zone name such as Europe/Paris or America/New_York, pick one below, or share your location.
digest-time-expected = Send a time such as 8:30 or 21:00, or pick an hour below.
digest-arguments-expected = /digest takes a time, a time zone or both, e.g. /digest 8:30, /digest Europe/Paris or /digest 21:00 Asia/Shanghai.
digest-currencies-full = At most { $max } currencies: untick one first, or choose All currencies.
digest-location-unknown = I could not tell the time zone of that place. Pick one with /digest → 🌍 Zone.

digest-button-on = ✅ Turn on
digest-button-off = 🔕 Turn off
digest-button-now = ▶ Send now
digest-button-time = 🕘 Time
digest-button-zone = 🌍 Zone
digest-button-currencies = 💱 Currencies
digest-button-accounts = 🏦 Accounts
digest-button-location = 📍 From my location
digest-button-send-location = 📍 Share my location
digest-button-details = { $ccy } details
digest-button-settings = ⚙ Digest settings

cmd-chart = Interest per day as a chart, e.g. /chart USDT 30d
cmd-export = Hourly records as CSV, e.g. /export USDT 1y

button-chart = 📈 Chart
button-export = ⬇ CSV

chart-loading = ⏳ Drawing the chart…
chart-title = Interest per day · { $what } · { $period }
chart-amount-axis = { $ccy } per day
chart-rate-axis = Yearly rate, %
chart-caption = 📈 <b>{ $what }</b> · { $period }: interest per day (bars, by margin mode) and the hourly rate (line).
chart-more = Not drawn: { $currencies }. One at a time: /chart { $example }
chart-partial = ⚠️ History held from { $date } on; the rest is still loading: ask again in a minute for all of it.
chart-empty = No interest in this period: nothing to draw. Try a longer period or another currency.
chart-busy = Many charts are being drawn right now: ask again in a minute.
export-loading = ⏳ Preparing the CSV…
export-caption = ⬇ <b>{ $what }</b> · { $period }: every hourly record, times in { $zone }.
export-part = Part { $part } (the export was split to stay under Telegram's file limit).
export-empty = No records in this period: nothing to export. Try a longer period or another currency.
export-busy = Many exports are being prepared right now: ask again in a minute.
mode-cross = cross
mode-isolated = isolated

cmd-alerts = Alerts when borrowing turns expensive
alerts-title = 🚨 <b>Alerts when borrowing turns expensive</b>
alerts-none = No alerts set: they are off until you set one below.
alerts-rule-yearly = 📈 Yearly rate at or above { $level } · { $scope }
alerts-rule-spike = ⚡ Hourly rate at { $level } its 7-day average · { $scope }
alerts-rule-daily = 💸 Next 24 h cost at or above { $level } · { $scope }
alerts-all-currencies = every currency
alerts-amount-each = { $amount } (in each line's currency)
alerts-quiet = 🌙 Quiet hours { $from }–{ $to } ({ $zone }): alerts wait until they end, then come as one message.
alerts-quiet-none = 🌙 No quiet hours: alerts come at once.
alerts-how = Checked every hour, a few minutes past, on each borrowing line. An alert comes once when a figure reaches its level, and again only after it has gone back below.
alerts-kind-yearly = yearly
alerts-kind-spike = spike
alerts-kind-daily = 24 h
alerts-button-yearly = 📈 Yearly rate
alerts-button-spike = ⚡ Spike
alerts-button-daily = 💸 24 h cost
alerts-button-remove = 🗑 { $rule } · { $scope }
alerts-button-quiet = 🌙 Quiet hours
alerts-button-quiet-off = 🔔 No quiet hours
alerts-ask-yearly = Send the yearly rate to be alerted at, e.g. <code>20</code> (20 % a year, every currency) or <code>30 % BTC</code> (BTC only).
alerts-ask-spike = Send how many times its 7-day average the hourly rate must reach, e.g. <code>3</code> (every currency) or <code>5x USDT</code>.
alerts-ask-daily = Send what the next 24 h may cost before an alert, e.g. <code>5 USDT</code> (USDT only) or <code>5</code> (5 of each line's own currency).
alerts-ask-quiet = Send your quiet hours on your clock ({ $zone }), e.g. <code>22:00-07:00</code>. /alerts leaves them as they are.
alerts-expected-yearly = I did not understand that rate. Send a number of percent a year, e.g. <code>20</code> or <code>30 % BTC</code> (above 0, at most 10,000 %).
alerts-expected-spike = I did not understand that. Send a multiple above 1, e.g. <code>3</code> or <code>5x USDT</code>.
alerts-expected-daily = I did not understand that amount. Send a number above 0, e.g. <code>5 USDT</code> or <code>5</code>.
alerts-expected-quiet = I did not understand those hours. Send a start and an end, e.g. <code>22:00-07:00</code> or <code>23-6</code>.
alerts-saved = ✅ Saved.
alerts-too-many = You have { $max } alerts already: remove one first.
alerts-removed = Removed.
alerts-snoozed = 💤 Snoozed for 24 hours.
alerts-turned-off = 🔕 That alert is off. /alerts to set it again.
alerts-gone = That alert is off already.
alert-title = 🚨 <b>Borrowing turned expensive</b>
alert-title-held = 🌙 <b>Held during your quiet hours: { $count } alerts</b>
alert-reason-yearly = Yearly rate { $figure }: at or above your { $level }
alert-reason-spike = Hourly rate { $figure } its 7-day average: at or above your { $level }
alert-reason-daily = Next 24 h { $figure }: at or above your { $level }
alert-rate = Rate now { $hourly } ≈ { $yearly } a year
alert-before = An hour before { $rate }
alert-average = 7-day average { $hourly } ≈ { $yearly } a year
alert-liability = Liability { $amount }
alert-next-day = Next 24 h at this rate ≈ { $amount }
alert-hour = Hour of { $time }
alert-button-details = { $ccy } details
alert-button-snooze = 💤 24 h
alert-button-off = 🔕 Turn off
alert-more = …and { $count } more: see /interest.
