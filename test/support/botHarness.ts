import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { loadConfig } from '../../bot/config.js';
import { memoryLogger } from '../../bot/log.js';
import { createNodeBot, type NodeBot, type NodeBotOptions } from '../../bot/runtime/nodeBot.js';
import { scratch } from '../helpers.js';
import { ManualClock } from './clock.js';
import { atBot, createdAt, deliver, type MessageOpts } from './feishuEvents.js';
import type { StubMessage } from './feishuStub.js';
import { FeishuStub } from './feishuStub.js';

export interface HarnessOptions {
  encryptKey?: string | null;
  token?: string | null;
  env?: Record<string, string>;
  /** Feishu off: no app credentials. */
  noFeishu?: boolean;
  start?: string;
  /** Reads a linked Feishu document (绑定手册 / 更新手册). */
  readLink?: import('../../bot/manuals/admin.js').LinkReader;
  /** The model's injected timer and event sink (LLM_* in env). */
  llm?: NodeBotOptions['llm'];
}

let appSeq = 0;

/** The whole bot on a real port, with the real SDK pointed at a stub Feishu server. */
export class BotHarness {
  readonly dirs = scratch();
  readonly stub = new FeishuStub();
  readonly clock: ManualClock;
  readonly log = memoryLogger();
  bot!: NodeBot;
  url = '';
  private server: ServerType | null = null;
  readonly encryptKey: string | null;
  readonly token: string | null;
  private readonly appId = `cli_test_${process.pid}_${++appSeq}`;

  constructor(private readonly o: HarnessOptions = {}) {
    this.encryptKey = o.encryptKey === undefined ? 'test-encrypt-key' : o.encryptKey;
    this.token = o.token === undefined ? 'vtoken' : o.token;
    this.clock = new ManualClock(Date.parse(o.start ?? '2026-11-23T01:00:00Z'));
  }

  env(): Record<string, string> {
    const env: Record<string, string> = { SEEDS_DIR: this.dirs.seedsDir, DATA_DIR: this.dirs.dataDir, ...this.o.env };
    if (!this.o.noFeishu) {
      Object.assign(env, { FEISHU_APP_ID: this.appId, FEISHU_APP_SECRET: 'secret', FEISHU_DOMAIN: this.stub.url });
      if (this.encryptKey) env.FEISHU_ENCRYPT_KEY = this.encryptKey;
      if (this.token) env.FEISHU_VERIFICATION_TOKEN = this.token;
    }
    return env;
  }

  async start(): Promise<this> {
    if (!this.stub.url) await this.stub.start();
    this.bot = await createNodeBot(loadConfig(this.env()), { clock: this.clock, log: this.log, readLink: this.o.readLink, llm: this.o.llm });
    await new Promise<void>((resolve) => {
      this.server = serve({ fetch: this.bot.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops the process's bot and starts a new one on the same data, as a restart would. */
  async restart(): Promise<void> {
    await this.stopBot();
    await this.start();
  }

  private async stopBot(): Promise<void> {
    this.server?.close();
    await this.bot.close();
  }

  async close(): Promise<void> {
    await this.stopBot();
    await this.stub.stop();
    this.dirs.cleanup();
  }

  /** POSTs an event the way Feishu does (encrypted and signed where a key is set), created and sent at the harness clock's now. */
  async event(body: unknown, o: { pretty?: boolean; headers?: Record<string, string> } = {}): Promise<Response> {
    const now = this.clock.now();
    const req = deliver(createdAt(body, now), { encryptKey: this.encryptKey }, { ...o, now });
    return fetch(`${this.url}/webhook/feishu`, { method: 'POST', body: req.body, headers: { ...req.headers, ...o.headers } });
  }

  raw(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> {
    return fetch(`${this.url}/webhook/feishu`, { method: 'POST', body, headers });
  }

  /** @-mentions the bot with `text` in a group and returns the messages it sent in reply. */
  async say(text: string, o: MessageOpts = {}): Promise<StubMessage[]> {
    const before = this.stub.messages.length;
    await this.event(atBot(text, this.stub.botOpenId, o));
    await this.idle();
    return this.stub.messages.slice(before);
  }

  /** A harness for one test: started, handed to `fn`, closed whatever happens. */
  static async run(o: HarnessOptions, fn: (h: BotHarness) => Promise<void>): Promise<void> {
    const h = await new BotHarness(o).start();
    try {
      await fn(h);
    } finally {
      await h.close();
    }
  }

  /** The header title of a card sent to the stub. */
  static cardTitle(m: { content: Record<string, unknown> }): string {
    return (m.content.header as { title: { content: string } }).title.content;
  }

  /** Waits until everything started by the acknowledged events is done. */
  idle(): Promise<void> {
    return this.bot.tasks.idle();
  }

  /** Text of the markdown elements of a card sent to the stub. */
  static cardText(content: Record<string, unknown>): string {
    const out: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (typeof o.content === 'string') out.push(o.content);
        Object.values(o).forEach(walk);
      }
    };
    walk(content);
    return out.join('\n');
  }
}
