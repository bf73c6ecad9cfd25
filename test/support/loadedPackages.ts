import { createRequire } from 'node:module';
import { loadConfig } from '../../bot/config.js';
import { memoryLogger } from '../../bot/log.js';
import { createNodeBot } from '../../bot/runtime/nodeBot.js';

// Run as a child process (tsx): starts a bot from the environment, asks one question and prints the npm
// packages' files the process has loaded, so a test can see what a bot without Feishu keeps in memory.
const bot = await createNodeBot(loadConfig(process.env), { log: memoryLogger() });
await bot.engine.ask('谁负责测绘作业证初审?');
const cache = (createRequire(import.meta.url)('node:module') as { _cache: Record<string, unknown> })._cache;
console.log(JSON.stringify(Object.keys(cache).filter((f) => f.includes('node_modules'))));
await bot.close();
