import { Agent, request } from 'node:http';
import { atBot, deliver, messageEvent } from '../../test/support/feishuEvents.js';

// The webhook bench's sender, run in its own process so that preparing, signing and posting events does
// not share an event loop with the Feishu stub that times the replies. Reads one job as JSON on stdin,
// writes one result as JSON on stdout. Times are epoch milliseconds (timeOrigin + now), comparable
// across processes on one machine.

export interface SendJob {
  url: string;
  encryptKey: string;
  botOpenId: string;
  /** One question per event, cycled; each with the chat it is asked in. */
  events: { q: string; chatId: string }[];
  /** Message ids are `${prefix}${i}`. */
  prefix: string;
  count: number;
  /** Events per second offered. */
  rate: number;
}

export interface SendResult {
  /** Epoch ms each event's POST started, by message id. */
  sentAt: Record<string, number>;
  ackMs: number[];
  /** Non-2xx answers or failed requests. */
  failures: number;
  firstSentAt: number;
  lastSentAt: number;
  /** CPU ms this sender process used while sending (user + system), to show it is not the bottleneck. */
  cpuMs: number;
}

const epoch = () => performance.timeOrigin + performance.now();

export async function send(job: SendJob): Promise<SendResult> {
  // Requests are encrypted and signed before the clock starts.
  const prepared = Array.from({ length: job.count }, (_, i) => {
    const { q, chatId } = job.events[i % job.events.length]!;
    const messageId = `${job.prefix}${i}`;
    const ev = i % 2 === 0 ? messageEvent({ chatType: 'p2p', chatId, text: q, messageId }) : atBot(q, job.botOpenId, { chatId, messageId });
    const req = deliver(ev, { encryptKey: job.encryptKey });
    const body = Buffer.from(req.body);
    return { messageId, body, headers: { ...req.headers, 'content-length': String(body.byteLength) } };
  });
  // Node's http with kept-alive sockets: fetch (undici) costs several times the CPU per request, and the
  // sender shares the machine's cores with the bot it measures.
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(`${job.url}/webhook/feishu`);
  const postOnce = (body: Buffer, headers: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const req = request(target, { method: 'POST', headers, agent }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  const sentAt: Record<string, number> = {};
  const ackMs: number[] = [];
  let failures = 0;
  const post = async (i: number) => {
    const { messageId, body, headers } = prepared[i]!;
    const t = epoch();
    sentAt[messageId] = t;
    try {
      const status = await postOnce(body, headers);
      if (status < 200 || status >= 300) failures++;
    } catch {
      failures++;
    }
    ackMs.push(epoch() - t);
  };
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < job.count; i++) {
    const wait = started + (i * 1000) / job.rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post(i));
  }
  await Promise.all(inflight);
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  const times = Object.values(sentAt);
  return { sentAt, ackMs, failures, firstSentAt: Math.min(...times), lastSentAt: Math.max(...times), cpuMs: (cpu.user + cpu.system) / 1000 };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  let input = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) input += chunk;
  const result = await send(JSON.parse(input) as SendJob);
  process.stdout.write(JSON.stringify(result));
}
