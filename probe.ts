import { loadConfig } from './bot/config.js';
import { createNodeBot } from './bot/runtime/nodeBot.js';
import { silentLogger } from './bot/log.js';
const bot = await createNodeBot(loadConfig({ DATA_DIR: '/tmp/gzt-probe' }), { log: silentLogger });
const { buildRouter } = await import('./bot/chat/basics.js');
const { reminderCommands } = await import('./bot/reminders/commands.js');
const { rosterCommands } = await import('./bot/roster/commands.js');
const { onboardingCommands } = await import('./bot/onboarding/commands.js');
const router = buildRouter([reminderCommands(), rosterCommands(), onboardingCommands()]);
for (const t of process.argv.slice(2)) {
  await router.run({ text: t, match: null, chat: { id: 'oc_x', type: 'group' }, sender: { openId: 'ou_x' }, mentions: [], messageId: null, now: Date.parse('2026-11-23T02:00:00Z'), services: bot.services,
    reply: async (...cards) => { for (const c of cards) { console.log('==', c.header.title.content); for (const e of c.body.elements) if (e.tag === 'markdown') console.log(e.content); } } });
}
await bot.close();
