import { serve } from '@hono/node-server';
import type * as lark from '@larksuiteoapi/node-sdk';
import { Cron } from 'croner';
import { loadConfig, webhookWarnings } from '../config.js';
import { isLoopback } from '../console/access.js';
import { jsonLogger } from '../log.js';
import { createNodeBot } from '../runtime/nodeBot.js';
import { describeLlm } from '../../retrieval/llm/settings.js';

const PUMP_EVERY_MS = 10_000;
const log = jsonLogger();

let config;
try {
  config = loadConfig();
} catch (e) {
  console.error(`配置错误：${(e as Error).message}`);
  process.exit(2);
}

const bot = await createNodeBot(config, { log });
const { report } = bot;
console.log(`索引：${report.records} 条职责，来自 ${report.manuals.length} 份手册（${report.rebuilt ? '已重建' : '沿用已有索引'}，${Math.round(report.millis)} ms）`);
for (const m of report.manuals) if (m.error) console.log(`  ⚠ ${m.file} 无法解析：${m.error}`);
const active = bot.manuals.active();
console.log(`手册版本：#${active?.id ?? '?'}（${active?.note ?? ''}）；管理页：${config.adminToken ? '/admin/manuals' : '未开启（设置 ADMIN_TOKEN）'}`);
for (const n of bot.versionNotes) console.log(`  · ${n}`);

let ws: lark.WSClient | null = null;
if (bot.feishu && config.feishu) {
  const f = config.feishu;
  bot.feishu.bot.identify().catch((e) => log.warn('暂未取得机器人身份，群聊 @ 判断将在下次重试', { error: String(e) }));
  if (f.mode === 'ws') {
    // Loaded only here: the SDK's code is about 11 MB of heap, which a bot without Feishu never needs.
    const [sdk, { sdkLogger }, { wsDispatcher }] = await Promise.all([import('@larksuiteoapi/node-sdk'), import('../node/larkApi.js'), import('../node/wsDispatcher.js')]);
    ws = new sdk.WSClient({ appId: f.appId, appSecret: f.appSecret, domain: f.domain, logger: sdkLogger(log) });
    void ws.start({ eventDispatcher: wsDispatcher(bot.feishu.bot, log) });
  }
}

for (const w of bot.deadlineWarnings) console.log(`  ⚠ 周期日历：${w}`);
for (const p of bot.rosterProblems) console.log(`  ⚠ ${p}`);
// The cron fires the digest on time; the pump below catches up a run missed while the process was down.
const digestJob = new Cron(config.digest.cron, { timezone: config.digest.timezone, protect: true }, async () => {
  try {
    await bot.digest.runDue(Date.now());
  } catch (e) {
    log.error('每日提醒出错', { error: String(e) });
  }
});

const pump = async () => {
  try {
    await bot.pump();
  } catch (e) {
    log.error('后台维护出错', { error: String(e) });
  }
};
// First take over what a crashed predecessor left, then the regular upkeep.
void bot
  .recover()
  .catch((e) => log.error('启动接管出错', { error: String(e) }))
  .then(pump);
const timer = setInterval(pump, PUMP_EVERY_MS);

const server = serve({ fetch: bot.app.fetch, hostname: config.host, port: config.port }, (info) => {
  const base = `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}`;
  console.log(`岗责通已启动：`);
  console.log(`  网页版       ${base}/`);
  console.log(`  问答接口     POST ${base}/api/ask`);
  console.log(`  健康检查     ${base}/healthz`);
  const next = digestJob.nextRun();
  if (next) console.log(`  每日提醒     ${config.digest.cron}（${config.digest.timezone}），下次 ${next.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}，非工作日跳过`);
  if (config.access.token) console.log('  访问控制   需要 ACCESS_TOKEN（Bearer 或 /?token= 登录一次）');
  else if (!isLoopback(config.host)) console.log('  ⚠ 访问控制：CONSOLE_PUBLIC=1，控制台和人员名单对网络公开');
  if (!config.feishu) console.log('  飞书：未开启（设置 FEISHU_APP_ID 和 FEISHU_APP_SECRET 后开启）');
  else if (config.feishu.mode === 'ws') console.log(`  飞书：已开启，长连接模式（${config.feishu.domain}）`);
  else console.log(`  飞书：已开启，事件回调地址 ${base}/webhook/feishu（${config.feishu.domain}）`);
  for (const w of webhookWarnings(config.feishu)) console.log(`  ${w}`);
  if (!config.llm) console.log('  大模型：未开启（全部离线作答；设置 LLM_MODE、LLM_BASE_URL、LLM_MODEL 后开启，见 README）');
  else console.log(`  大模型：已开启（${describeLlm(config.llm)}，超时 ${config.llm.timeoutMs} ms），连通性检查中…`);
});
// The model's reachability is checked in the background: start-up never waits for it.
void bot.llmProbe?.check().then((p) =>
  p.status === 'ok' ? console.log('  大模型：连通正常') : console.log(`  ⚠ 大模型：暂不可达（${p.detail}），先用手册原文作答，恢复后自动启用`),
);
for (const w of webhookWarnings(config.feishu)) log.warn(w);

server.once('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EADDRINUSE') console.error(`端口 ${config.port} 已被占用，请设置 PORT（如 PORT=${config.port + 1} npm start）`);
  else if (e.code === 'EACCES') console.error(`没有权限监听 ${config.host}:${config.port}，请换一个 PORT（1024 以上）`);
  else if (e.code === 'EADDRNOTAVAIL') console.error(`本机没有地址 ${config.host}，请检查 HOST`);
  else console.error(`无法监听 ${config.host}:${config.port}：${e.message}`);
  clearInterval(timer);
  digestJob.stop();
  ws?.close({ force: true });
  void bot.close().finally(() => process.exit(1));
});

/** Work in hand gets this long at shutdown; what is left is released to the next process. */
const SHUTDOWN_GRACE_MS = 3_000;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  // A hung call must not keep the process: exit regardless a little after the grace period.
  setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS + 2_000).unref();
  clearInterval(timer);
  digestJob.stop();
  ws?.close({ force: true });
  server.close();
  (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  try {
    await bot.shutdown(SHUTDOWN_GRACE_MS);
  } catch (e) {
    log.error('停止时出错', { error: String(e) });
  }
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
