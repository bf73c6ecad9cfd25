import { ConfigError, loadConfig } from '../config.js';
import { jsonLogger } from '../log.js';
import { closeKeepAlive } from '../node/larkApi.js';
import { exitWhenDone } from './exit.js';
import { beijingDate } from '../reminders/workCalendar.js';
import { createNodeBot } from '../runtime/nodeBot.js';

// `npm run digest -- [--date 2026-11-23] [--dry-run] [--json]`: the digests of one day, printed or sent.
const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const json = args.includes('--json');
const dateArg = args.find((a, i) => args[i - 1] === '--date') ?? args.find((a) => a.startsWith('--date='))?.slice(7);
const fail = (msg: string): never => {
  console.error(msg);
  process.exit(2);
};

const date = dateArg ?? beijingDate(Date.now());
if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) fail(`--date 应为 YYYY-MM-DD，收到“${dateArg}”`);

let config;
try {
  config = loadConfig();
} catch (e) {
  fail(`配置错误：${(e instanceof ConfigError ? e : (e as Error)).message}`);
}
if (!config!.feishu && !dryRun) fail('飞书未配置（FEISHU_APP_ID / FEISHU_APP_SECRET），只能用 --dry-run 预览。');

const bot = await createNodeBot(config!, { log: jsonLogger() });
for (const w of bot.deadlineWarnings) console.error(`周期日历：${w}`);
const report = await bot.digest.run(date, Date.now(), { dryRun });
await bot.tasks.idle();
if (json) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  console.log(`每日提醒 ${date}${dryRun ? '（预览，未发送）' : ''}`);
  if (report.warning) console.log(`⚠ ${report.warning}`);
  if (report.skipped) console.log(report.skipped);
  else if (report.chats.length === 0) console.log('没有订阅提醒的群。');
  for (const c of report.chats) {
    console.log(`\n${c.chatId}：逾期 ${c.overdue}，今天到期 ${c.today}，近期 ${c.soon}${dryRun ? '' : c.queued ? '，已发送' : c.cards.length ? '，此前已发送过' : '，无事项不发送'}`);
    for (const l of c.lines) console.log(`  ${l}`);
  }
}
await bot.close();
closeKeepAlive();
// Cron runs this: it must end even if a library leaves a timer or a socket open.
exitWhenDone(0);
