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
}

const epoch = () => performance.timeOrigin + performance.now();

export async function send(job: SendJob): Promise<SendResult> {
  // Requests are encrypted and signed before the clock starts.
  const prepared = Array.from({ length: job.count }, (_, i) => {
    const { q, chatId } = job.events[i % job.events.length]!;
    const messageId = `${job.prefix}${i}`;
    const ev = i % 2 === 0 ? messageEvent({ chatType: 'p2p', chatId, text: q, messageId }) : atBot(q, job.botOpenId, { chatId, messageId });
    return { messageId, req: deliver(ev, { encryptKey: job.encryptKey }) };
  });
  const sentAt: Record<string, number> = {};
  const ackMs: number[] = [];
  let failures = 0;
  const post = async (i: number) => {
    const { messageId, req } = prepared[i]!;
    const t = epoch();
    sentAt[messageId] = t;
    try {
      const res = await fetch(`${job.url}/webhook/feishu`, { method: 'POST', body: req.body, headers: req.headers });
      await res.arrayBuffer();
      if (!res.ok) failures++;
    } catch {
      failures++;
    }
    ackMs.push(epoch() - t);
  };
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < job.count; i++) {
    const wait = started + (i * 1000) / job.rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post(i));
  }
  await Promise.all(inflight);
  const times = Object.values(sentAt);
  return { sentAt, ackMs, failures, firstSentAt: Math.min(...times), lastSentAt: Math.max(...times) };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  let input = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) input += chunk;
  const result = await send(JSON.parse(input) as SendJob);
  process.stdout.write(JSON.stringify(result));
}
