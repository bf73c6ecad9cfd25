import * as lark from '@larksuiteoapi/node-sdk';
import type { FeishuBot } from '../feishu/bot.js';
import type { Logger } from '../log.js';
import { sdkLogger } from './larkApi.js';

/** The SDK's EventDispatcher for the long connection (WSClient), feeding the bot's own handlers. */
export function wsDispatcher(bot: FeishuBot, log: Logger): lark.EventDispatcher {
  return new lark.EventDispatcher({ logger: sdkLogger(log) }).register(bot.handlers as never);
}
