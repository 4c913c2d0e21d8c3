# 消息为 HTML；来自用户或 OKX 的变量在传入前已转义。

env-live = 实盘
env-demo = 模拟盘

start-welcome =
    你好！我帮你查看 OKX 杠杆借币付出的利息。

    1. /connect — 绑定一个<b>只读</b> OKX API 密钥（加密保存）
    2. /interest USDT — 利息汇总，带筛选按钮
    3. /digest — 每天在你选定的时间发送汇总

    /help 查看全部命令 · /lang English
help =
    <b>我能做什么</b>
    我读取 OKX 对你的杠杆借币收取的利息并为你汇总。我只读取数据：请给我只读密钥。

    /connect — 绑定只读 OKX API 密钥（仅限私聊）
    /interest — 利息汇总：/interest、/interest USDT、/interest USDT 30d、/interest BTC-USDT 1y、/interest USDT 2026-11、/interest 2026、/interest 上月
    /chart — 每日利息图表，参数相同：/chart USDT 30d
    /export — 每小时记录导出为 CSV 文件，参数相同：/export USDT 1y
    /filters — 逐步选择币种、保证金模式、产品、周期和每页条数
    /digest — 每天在你选定的时间和时区发送汇总：/digest 18:02、/digest Asia/Shanghai
    /accounts — 你的 OKX 账户（主账户与子账户）：改名、设为默认、移除
    /alerts — 借币变贵时提醒：年化利率、突增、每日利息
    /status — 查看已绑定的密钥
    /disconnect — 删除你的密钥及其衍生的所有数据
    /cancel — 取消当前操作
    /lang — English 或 中文

cancel-nothing = 当前没有可取消的操作。
cancel-done = 已取消，未保存任何内容。

cmd-start = 机器人介绍
cmd-help = 全部命令
cmd-connect = 绑定只读 OKX API 密钥
cmd-status = 查看已绑定的密钥
cmd-disconnect = 删除密钥及其数据
cmd-accounts = 你的 OKX 账户：改名、默认、移除
cmd-cancel = 取消当前操作
cmd-lang = 语言：English 或 中文

button-cancel = 取消
button-live = 实盘
button-demo = 模拟盘
button-store-anyway = 仍然保存
button-stale = 这个按钮属于之前的消息。

connect-private-only = 为了安全，我只在私聊中接收 API 密钥。请在这里打开私聊：{ $link }
connect-step-key =
    第 1 步，共 4 步 · 发送你的 OKX <b>API Key</b>（形如 1a2b3c4d-5e6f-…）。
    请设为只读：本机器人从不交易。
connect-step-secret = 第 2 步，共 4 步 · 发送该 API 的 <b>Secret Key</b>。我读取后会立即删除你的消息。
connect-step-passphrase = 第 3 步，共 4 步 · 发送创建密钥时设置的 <b>Passphrase</b>。我也会立即删除。
connect-step-env = 第 4 步，共 4 步 · 这个密钥用于实盘还是模拟盘？
connect-bad-key-format = 这不是 OKX API Key：它有 36 个字符，形如 1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d。请重新发送，或 /cancel。
connect-bad-secret-format = 这不是 OKX Secret Key：它由 32 个字母和数字组成。请重新发送，或 /cancel。
connect-bad-passphrase-format = OKX 不接受这样的 Passphrase：8 到 32 个字符，不含空格。请重新发送，或 /cancel。
connect-bad-passphrase-characters = 这个 Passphrase 含有 OKX 无法接收的字符（例如中文或表情符号）：OKX 的 Passphrase 只能由拉丁字母、数字和符号组成。请重新发送，或 /cancel。
connect-text-only = 我已删除该消息：请以文字消息发送，不要用图片、文件或图片说明。或 /cancel。
connect-busy = 我们正在绑定密钥。请发送我要求的内容，或 /cancel 停止。
# The busy message names the conversation that is running.
conversation-busy = { $conversation ->
    [filters] 我们正在选择筛选条件。请点上方按钮或发送我要求的内容，或 /cancel 停止。
   *[connect] 我们正在绑定密钥。请发送我要求的内容，或 /cancel 停止。
}
connect-choose-env = 请用上方按钮选择：实盘或模拟盘。或 /cancel。
connect-use-buttons = 请用上方按钮回答，或 /cancel。
connect-edit-deleted = 我已删除你编辑的消息，以防其中含有密钥：编辑消息不算作回答。请发送一条新消息，或 /cancel。
connect-checking = 正在向 OKX 验证密钥…
connect-region-found = 这个密钥属于 { $region }，我将使用该站点。
connect-failed-bad-key = ❌ OKX 不认识这个 API Key（{ $code }）。请检查后重新发送，或 /cancel。
connect-failed-bad-signature = ❌ OKX 提示签名错误（{ $code }）：Secret Key 与该 API Key 不匹配。请重新发送 Secret Key，或 /cancel。
connect-failed-bad-passphrase = ❌ OKX 提示 Passphrase 错误（{ $code }）。请重新发送，或 /cancel。
connect-failed-wrong-environment = ❌ OKX 提示这个密钥不是{ $env }密钥（{ $code }）。请重新选择，或 /cancel。
connect-failed-ip = ❌ 这个密钥只能从其白名单 IP 使用（{ $code }）。请在 OKX 编辑密钥并取消 IP 限制，然后再次 /connect。未保存任何内容。
connect-failed-permission = ❌ 这个密钥没有读取权限（{ $code }）。请创建只读密钥后再次 /connect。未保存任何内容。
connect-failed-restricted = ❌ OKX 提示账户或密钥受限（{ $code }：{ $message }）。未保存任何内容。
connect-failed-unavailable = ⏳ OKX 暂时没有响应（{ $code }）。未保存任何内容；请一分钟后再次 /connect。
connect-refused-withdraw = ⛔ 这个密钥可以提币。我不会保存它：请在 OKX 创建只读密钥后再次 /connect。未保存任何内容。
connect-warn-trade = ⚠️ 这个密钥可以交易。我只需要读取权限；万一本机器人或其服务器被攻破，只读密钥更安全。仍然保存吗？
connect-done =
    ✅ 已绑定：“{ $label }” · { $env } · { $permissions } · 站点：{ $region }
    我已删除包含你的 API Key、Secret Key 和 Passphrase 的消息。
    试试 /interest
connect-store-failed = ⏳ 无法保存你的密钥：存储暂时不可用。未保存任何内容；请一分钟后再次 /connect。
connect-adds = 你已绑定 { $count } 个 OKX 账户：这次将再添加一个（主账户或子账户，各有自己的密钥）。若密钥属于已绑定的账户，则替换该账户的密钥。
connect-added =
    ✅ 已添加：“{ $label }” · { $env } · { $permissions } · 区域：{ $region }
    我已删除包含你的密钥、Secret 和密码短语的消息。
    你现在有 { $count } 个账户：/interest 下方的按钮可查看其中一个或全部合计；/accounts 可管理。
connect-replaced = 🔁 这个密钥属于已绑定的账户（“{ $label }”，UID { $uid }）：我已用它替换该账户的密钥。历史记录和设置保持不变。
connect-full = 你已绑定 { $max } 个账户，这是每人上限。/accounts 可移除一个。未保存任何内容。

status-none = 尚未绑定 OKX 密钥。使用 /connect 绑定只读密钥。
status-connected =
    🔑 <code>{ $mask }</code> · “{ $label }”
    { $env } · { $permissions } · { $region }
    绑定于 { $since }（{ $zone }）
    /disconnect 可删除。
status-unreadable = 你保存的密钥已无法读取（机器人的加密密钥已更换）。请重新 /connect。
disconnect-done = 已解除绑定。我已删除你的密钥及其衍生的所有数据。
disconnect-none = 没有可解除绑定的密钥。
disconnect-which = 你绑定了 { $count } 个账户。要解绑哪一个？（“全部”会删除所有账户和你的设置。）
button-disconnect-all = 全部
accounts-title = <b>你的 OKX 账户（{ $count } 个）</b>
accounts-line = { $mark }<b>{ $name }</b> · UID <code>{ $uid }</code> · { $env } · { $region } · 自 { $since }
accounts-default-mark = ⭐
accounts-hint = ⭐ 为默认账户：/interest、/chart、/export 未选账户时显示它。点一个账户可改名、设为默认或移除；/connect 可再添加一个。
accounts-rename-ask = 请发送这个账户的名称（最多 { $limit } 个字符），或发送 - 恢复为密钥的标签。
accounts-rename-bad = 名称为一行，最多 { $limit } 个字符。请重新发送，或点取消。
accounts-renamed = 已改名：“{ $name }”。
accounts-default-set = 已将 { $name } 设为默认。
accounts-remove-ask = 移除“{ $name }”？我会删除它的密钥和历史记录；你的其他账户和设置保持不变。
accounts-remove-last = 移除“{ $name }”？这是你唯一的账户：我会像 /disconnect 一样删除为你保存的一切。
accounts-removed = 已移除“{ $name }”。其他账户保持不变：/accounts 可查看。
button-rename = ✏️ 改名
button-make-default = ⭐ 设为默认
button-remove = 🗑 移除
button-remove-confirm = 🗑 确认移除
status-several = 已绑定 { $count } 个账户：/accounts 可管理。

secret-deleted = 这看起来像 OKX API Key 或 Secret Key，我已将其删除。绑定密钥请使用 /connect。
secret-in-group = ⚠️ 这看起来像 OKX API Key 或 Secret Key。切勿在群里发送密钥：请立即在 OKX 撤销它，并在私聊中与我绑定密钥。
unknown-text = 我没听懂。/help 列出了我能做的事。

lang-choose = 选择语言：
lang-set = 语言：中文。

error-storage = ⏳ 我暂时不可用（存储）。你保存的内容没有丢失；请一分钟后再试。
error-internal = 我这边出了点问题。你保存的内容没有丢失；请重试。
error-busy = ⏳ 我还在处理你上一个请求。请等它回复后再试。
not-allowed = 抱歉，这个机器人仅供其团队使用。没有保存任何关于你的信息。
not-allowed-short = 这个机器人仅供其团队使用。
flood-slow-down = 🐢 一下子消息太多了。我会在 { $seconds } 秒后再回复。

cmd-interest = 利息汇总，例如 /interest USDT 7d

period-24h = 最近 24 小时
period-7d = 最近 7 天
period-30d = 最近 30 天
period-90d = 最近 90 天
period-1y = 最近一年
period-this-month = 本月
period-last-month = 上月

interest-usage = 试试 /interest、/interest USDT 或 /interest USDT 7d（周期：24h、7d、30d、90d、1y，月份如 2026-11，年份如 2026，本月、上月）。
interest-bad-currency = “{ $value }”不是币种代码。试试 /interest USDT。
interest-bad-period = 我不认识周期“{ $value }”：可用 24h、7d、30d、90d 或 1y，月份如 2026-11，年份如 2026，本月或上月。
interest-period-future = 这个期间还没有开始：请换一个已经开始的期间，例如本月。
interest-period-before-kept = 这个期间在我保存的历史之前就已结束：我只保存最近 { $days } 天。
interest-period-not-held = 这个期间的数据我一条也没有：OKX 只提供最近一年，更早的记录我只保存此账户的密钥绑定期间加载的部分。
interest-no-key = 尚未绑定 OKX 密钥。请先 /connect 一个只读密钥。
interest-account-gone = 该账户已不再绑定：/accounts 列出当前绑定的账户。
interest-loading = ⏳ 正在查询 OKX…
interest-progress = ⏳ 正在从 OKX 加载历史记录：已到 { $date }（{ $pages } 页）…
interest-title = 💸 <b>{ $what }</b> 利息 · { $period }
interest-all = 全部币种
interest-range = { $from } – { $to }（{ $zone }）
interest-total = 合计
interest-hours = 共 { $hours } 小时
interest-rate-now = 当前利率
interest-rate-end = 期末利率
interest-average = 平均利率
interest-debt-now = 当前负债
interest-debt-end = 期末负债
interest-peak = 峰值 { $amount }
interest-free = 免息负债
interest-next-30d = 未来 30 天
interest-per-hour = /小时
interest-per-year = 年化
interest-by-line = 按保证金模式
interest-by-account = 按账户
interest-all-accounts = 全部账户（{ $count } 个）
account-shown = 账户：{ $account }
interest-more = …还有 { $count } 个币种：用下方按钮选择。
interest-more-lines = …还有 { $count } 条：/interest { $ccy } isolated，或用下方按钮选择交易对。
interest-empty = 此期间{ $filter }没有利息。{ $hint }
interest-never-borrowed = 过去一年你的账户没有 { $ccy } 的利息。有利息的币种：{ $known }。
interest-no-history = 过去一年 OKX 没有此账户的计息记录：没有借币，也没有利息。
interest-kept-from = ℹ️ 数据自 { $date } 起：更早的数据我没有（OKX 只提供一年；更早的记录我只保存此账户的密钥绑定期间加载的部分）。
interest-partial = ⏳ 数据自 { $date } 起：其余历史正在加载，加载完成后本消息会自动更新。
interest-stale = ⚠️ OKX 暂无响应（{ $code }）；以下数据截至 { $date }。
interest-stale-unreadable = ⚠️ OKX 发来了我无法读取的数据（{ $code }）。这些数据均未保存；以下是我已保存的数据，截至 { $date }。
interest-key-broken = ❌ OKX 拒绝了你的密钥（{ $code }：{ $message }）。请重新 /connect。
interest-okx-down = ⏳ OKX 暂时没有响应（{ $code }）。请一分钟后再试。
interest-okx-unreadable = ⚠️ OKX 发来了我无法读取的数据（{ $code }）。这些数据均未保存，已保存的数据保持不变。请稍后再试。
interest-updated = 更新于 { $time }
answer-interrupted = ⚠️ 这个回答被中断了：机器人在处理时重启了。按下面的按钮再问一次。
button-ask-again = 🔄 再问一次

button-all-modes = 全部模式
button-cross = 全仓
button-isolated = 逐仓
button-currency = { $ccy } ▾
button-any-currency = 币种 ▾
button-instrument = { $inst } ▾
button-any-instrument = 产品 ▾
button-records = 📜 明细
button-refresh = 🔄 刷新
button-this-month = 本月
button-last-month = 上月
button-all = 全部
button-back = « 返回
button-newer = « 较新
button-older = 较旧 »

records-title = 📜 每小时记录 · { $what } · { $period }
records-empty = 本页没有记录。
records-more = 本页另有 { $count } 条记录放不下，在下一页。

cmd-filters = 逐步选择所有筛选条件

button-filters = ⚙ 筛选
button-show = 查看汇总
button-save-default = 保存为默认

filters-intro = 我们逐步选择筛选条件。借币类型：市场借币（OKX 唯一类型，2）。
filters-step-account = 首先 · 哪个账户？选择一个，或全部合计。
filters-step-currency = 1/5 · 哪个币种？选择一个，或输入代码（如 USDT）。
filters-step-mode = 2/5 · 哪种保证金模式？
filters-step-instrument = 3/5 · 哪个产品？选择一个，或输入（如 BTC-USDT）。
filters-step-period = 4/5 · 哪个周期？
filters-step-limit = 5/5 · 每页显示多少条每小时记录？选择一个，或输入 1 到 100。
filters-bad-currency = 这不是币种代码。请输入如 USDT 的代码，或点按钮。
filters-bad-instrument = 这不是产品。请输入如 BTC-USDT 的产品，或点按钮。
filters-bad-limit = 请输入 1 到 100 的整数，或点按钮。
filters-use-buttons = 请点选一个按钮，或 /cancel。
filters-done = 筛选：<b>{ $view }</b> · { $period } · 每页 { $limit } 条记录。
filters-saved = 已保存：/interest 现在从这些筛选条件开始。
records-columns = 时间|币种|模式|利息

cmd-digest = 每日汇总：时间、时区、币种

digest-title = ☀️ <b>你的借币利息 · { $day }</b>
digest-late = ⏰ 这份汇总本应在 { $time } 发送；当时我暂时不可用。
digest-nothing = 当天及之前六天都没有产生利息。
digest-change = （较前一天 { $change }）
digest-change-none = （前一天无利息）
digest-rate = { $hourly }/小时 ≈ 年化 { $yearly }
digest-debt = 当前负债 { $amount }
digest-month = 本月：已计 { $sofar } · 预计全月 ≈ { $projected } { $ccy }
digest-more = …以及 { $list }：见 /interest。
digest-more-accounts = …以及账户 { $list }：见 /interest。
digest-partial = ⚠️ 历史记录从 { $date } 起；更早的日子显示得不完整。
digest-no-key = ❌ 无法生成你的每日汇总：尚未绑定 OKX 密钥。/connect 绑定后汇总将恢复；此提醒不会每天重复。
digest-key-unreadable = ❌ 无法生成你的每日汇总：已保存的密钥无法读取。请重新 /connect，汇总将恢复；此提醒不会每天重复。
digest-key-broken = ❌ 无法生成你的每日汇总：OKX 拒绝了你的密钥（{ $code }：{ $message }）。/connect 一个可用的密钥后汇总将恢复；此提醒不会每天重复。
digest-okx-unreadable = ❌ 无法生成你的每日汇总：OKX 发来了我无法读取的数据（{ $code }）。这些数据均未保存，已保存的数据保持不变。OKX 发来可读的数据后汇总将恢复；此提醒不会每天重复。

digest-settings-on = 🗓 <b>每日汇总：已开启</b>
digest-settings-off = 🗓 <b>每日汇总：已关闭</b>
digest-settings-time = 时间：{ $time } · { $zone }（{ $offset }）
digest-settings-currencies = 币种：{ $list }
digest-settings-accounts = 账户：{ $list }
digest-settings-next = 下一次：{ $time }
digest-zone-guessed = （时区根据你的语言推测：可用 🌍 时区 修改）
digest-all-currencies = 全部币种
digest-all-accounts = 全部账户
digest-turned-on = 汇总已开启
digest-turned-off = 汇总已关闭
digest-on-its-way = 马上发送
digest-choose-hour =
    几点发送？（你的当地时间）
    选择一个，或直接发送时间，如 8:30、18:02 或 8点30。
digest-choose-minute = 几分？（也可直接发送时间，如 7:05）
digest-choose-zone = 你的时区：选择一个，输入名称（如 Asia/Shanghai），或分享你的位置。
digest-choose-currencies = 哪些币种？不勾选即为全部。
digest-choose-accounts = 哪些账户？不勾选即为全部，每个账户在汇总中单独一部分。
digest-share-location = 点击下方按钮分享位置；我只用它确定你的时区，不保存其他信息。
digest-zone-set = 时区：{ $zone }。
digest-zone-unknown = 我不认识时区“{ $zone }”。请输入 IANA 名称，如 Asia/Shanghai 或 Europe/London。
digest-zone-expected = 请发送时区名称，如 Asia/Shanghai 或 Europe/London，在下方选择一个，或分享你的位置。
digest-time-expected = 请发送时间，如 8:30 或 21:00，或在下方选择小时。
digest-arguments-expected = /digest 可以带时间、时区或两者，例如 /digest 8:30、/digest Asia/Shanghai 或 /digest 21:00 Asia/Shanghai。
digest-currencies-full = 最多 { $max } 个币种：请先取消勾选一个，或选择全部币种。
digest-location-unknown = 无法确定该地点的时区。请通过 /digest → 🌍 时区 选择。

digest-button-on = ✅ 开启
digest-button-off = 🔕 关闭
digest-button-now = ▶ 立即发送
digest-button-time = 🕘 时间
digest-button-zone = 🌍 时区
digest-button-currencies = 💱 币种
digest-button-accounts = 🏦 账户
digest-button-location = 📍 按位置设置
digest-button-send-location = 📍 分享我的位置
digest-button-details = { $ccy } 详情
digest-button-settings = ⚙ 汇总设置

cmd-chart = 每日利息图表，例如 /chart USDT 30d
cmd-export = 导出每小时记录 CSV，例如 /export USDT 1y

button-chart = 📈 图表
button-export = ⬇ CSV

chart-loading = ⏳ 正在绘制图表…
chart-title = 每日利息 · { $what } · { $period }
chart-amount-axis = { $ccy } / 天
chart-rate-axis = 年化利率 %
chart-caption = 📈 <b>{ $what }</b> · { $period }：每日利息（柱状，按保证金模式）与每小时利率（折线）。
chart-more = 未绘制：{ $currencies }。可逐个查看：/chart { $example }
chart-partial = ⚠️ 已加载自 { $date } 起的历史；其余部分仍在加载：请稍后再试以获取全部数据。
chart-empty = 此期间没有利息：无可绘制的内容。试试更长的周期或其他币种。
chart-busy = 现在正在绘制的图表很多：请一分钟后再试。
export-loading = ⏳ 正在准备 CSV…
export-caption = ⬇ <b>{ $what }</b> · { $period }：全部每小时记录，时间为 { $zone }。
export-part = 第 { $part } 部分（为符合 Telegram 文件大小限制已拆分）。
export-empty = 此期间没有记录：无可导出的内容。试试更长的周期或其他币种。
export-busy = 现在正在准备的导出很多：请一分钟后再试。
mode-cross = 全仓
mode-isolated = 逐仓

cmd-alerts = 借币变贵时提醒
alerts-title = 🚨 <b>借币变贵时提醒</b>
alerts-none = 尚未设置提醒：在下方设置之前不会提醒。
alerts-rule-yearly = 📈 年化利率达到或超过 { $level } · { $scope }
alerts-rule-spike = ⚡ 每小时利率达到 7 日平均的 { $level } · { $scope }
alerts-rule-daily = 💸 未来 24 小时利息达到或超过 { $level } · { $scope }
alerts-all-currencies = 所有币种
alerts-amount-each = { $amount }（按各借币的币种计）
alerts-quiet = 🌙 免打扰时段 { $from }–{ $to }（{ $zone }）：提醒会等到结束后合并为一条发送。
alerts-quiet-none = 🌙 无免打扰时段：提醒立即发送。
alerts-how = 每小时整点后几分钟检查每条借币。某项数值达到设定值时提醒一次，回落到设定值以下后才会再次提醒。
alerts-kind-yearly = 年化
alerts-kind-spike = 突增
alerts-kind-daily = 24 小时
alerts-button-yearly = 📈 年化利率
alerts-button-spike = ⚡ 突增
alerts-button-daily = 💸 24 小时利息
alerts-button-remove = 🗑 { $rule } · { $scope }
alerts-button-quiet = 🌙 免打扰时段
alerts-button-quiet-off = 🔔 取消免打扰
alerts-ask-yearly = 请发送触发提醒的年化利率，例如 <code>20</code>（年化 20 %，所有币种）或 <code>30 % BTC</code>（仅 BTC）。
alerts-ask-spike = 请发送每小时利率需达到 7 日平均的多少倍，例如 <code>3</code>（所有币种）或 <code>5x USDT</code>。
alerts-ask-daily = 请发送未来 24 小时利息达到多少时提醒，例如 <code>5 USDT</code>（仅 USDT）或 <code>5</code>（按各借币自身币种计 5）。
alerts-ask-quiet = 请按你的时区（{ $zone }）发送免打扰时段，例如 <code>22:00-07:00</code>。发送 /alerts 则保持不变。
alerts-expected-yearly = 无法识别该利率。请发送年化百分比数字，例如 <code>20</code> 或 <code>30 % BTC</code>（大于 0，最多 10,000 %）。
alerts-expected-spike = 无法识别。请发送大于 1 的倍数，例如 <code>3</code> 或 <code>5x USDT</code>。
alerts-expected-daily = 无法识别该金额。请发送大于 0 的数字，例如 <code>5 USDT</code> 或 <code>5</code>。
alerts-expected-quiet = 无法识别该时段。请发送开始和结束时间，例如 <code>22:00-07:00</code> 或 <code>23-6</code>。
alerts-saved = ✅ 已保存。
alerts-too-many = 你已有 { $max } 条提醒：请先删除一条。
alerts-removed = 已删除。
alerts-snoozed = 💤 已暂停 24 小时。
alerts-turned-off = 🔕 该提醒已关闭。发送 /alerts 可重新设置。
alerts-gone = 该提醒已经关闭。
alert-title = 🚨 <b>借币变贵了</b>
alert-title-held = 🌙 <b>免打扰期间暂存的 { $count } 条提醒</b>
alert-reason-yearly = 年化利率 { $figure }：达到或超过你设定的 { $level }
alert-reason-spike = 每小时利率为 7 日平均的 { $figure }：达到或超过你设定的 { $level }
alert-reason-daily = 未来 24 小时 { $figure }：达到或超过你设定的 { $level }
alert-rate = 当前利率 { $hourly } ≈ 年化 { $yearly }
alert-before = 一小时前 { $rate }
alert-average = 7 日平均 { $hourly } ≈ 年化 { $yearly }
alert-liability = 负债 { $amount }
alert-next-day = 按此利率未来 24 小时 ≈ { $amount }
alert-hour = 时间 { $time }
alert-button-details = { $ccy } 详情
alert-button-snooze = 💤 24 小时
alert-button-off = 🔕 关闭
alert-more = ……还有 { $count } 条：请查看 /interest。
