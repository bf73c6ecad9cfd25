
export interface SendRequest {
  chatId: string;
  /** Reply to this message; otherwise post to `chatId`. */
  replyTo: string | null;
  msgType: 'interactive' | 'text';
  content: string;
  /** Feishu sends one message per uuid within an hour, so a retry never duplicates. */
  uuid: string;
}

export interface FeishuUser {
  key: string;
  openId: string | null;
}

/** What the bot needs from the Feishu open platform. */
export interface FeishuApi {
  botInfo(): Promise<{ openId: string; name: string }>;
  send(req: SendRequest): Promise<{ messageId: string }>;
  /** open_ids for emails or mobiles (`contact/v3/users/batch_get_id`); null where unknown. */
  userIds(by: 'email' | 'mobile', keys: string[]): Promise<FeishuUser[]>;
  // --- CardKit card entities, for answers streamed as they are written (optional: without them, one card is sent whole).
  /** `POST /open-apis/cardkit/v1/cards`: a JSON 2.0 card becomes an entity, sent once by `{type:'card',data:{card_id}}`. */
  createCard?(card: unknown): Promise<{ cardId: string }>;
  /** `PUT …/cards/:card_id/elements/:element_id/content`: the element's full text; `sequence` increases per card. */
  streamCardText?(cardId: string, elementId: string, content: string, sequence: number): Promise<void>;
  /** `PATCH …/cards/:card_id/settings`: ends streaming mode and sets the chat preview. */
  finishCard?(cardId: string, summary: string, sequence: number): Promise<void>;
  /**
   * The file of a message (`GET im/v1/messages/:message_id/resources/:file_key?type=file`); a file longer
   * than `maxBytes` is not read to its end and fails with TooLargeError.
   */
  downloadResource(messageId: string, fileKey: string, o?: { maxBytes?: number }): Promise<Uint8Array>;
}

/** A download stopped at its size limit. */
export class TooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`文件超过 ${Math.round(maxBytes / 1024 / 1024)} MB`);
    this.name = 'TooLargeError';
  }
}

/** Collects a body's chunks, stopping as soon as they exceed `maxBytes`. */
export async function readLimited(chunks: AsyncIterable<Uint8Array>, maxBytes: number, stop?: () => void): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const c of chunks) {
    size += c.byteLength;
    if (size > maxBytes) {
      stop?.();
      throw new TooLargeError(maxBytes);
    }
    parts.push(c);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Codes Feishu uses for "too fast" or "try again". */
const RETRYABLE_CODES = new Set([230020, 99991400, 11232, 11233, 99991663, 230054]);

/** A failed Feishu call, with what a retry policy needs to know. */
export class FeishuError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly status: number | null,
    readonly retryable: boolean,
    /** From `x-ogw-ratelimit-reset` (seconds), where Feishu says how long to wait. */
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = 'FeishuError';
  }

  /** A call that got no answer within `ms`: it may still land, so it is retried under the same uuid, later. */
  static timeout(ms: number): FeishuError {
    const e = new FeishuError(`飞书接口 ${ms} ms 内无响应`, null, null, true, null);
    e.timedOut = true;
    return e;
  }

  timedOut = false;

  static from(e: unknown): FeishuError {
    if (e instanceof FeishuError) return e;
    const netCode = (e as { code?: unknown })?.code;
    if (netCode === 'ECONNABORTED' || netCode === 'ETIMEDOUT' || (e as Error)?.name === 'TimeoutError') {
      const f = FeishuError.timeout(0);
      f.message = String((e as Error).message ?? e);
      return f;
    }
    const err = e as {
      message?: string;
      response?: { status?: number; data?: { code?: number; msg?: string }; headers?: Record<string, unknown> };
    };
    const status = err.response?.status ?? null;
    const code = typeof err.response?.data?.code === 'number' ? err.response.data.code : null;
    const reset = Number(err.response?.headers?.['x-ogw-ratelimit-reset']);
    const retryable =
      status === null || status >= 500 || status === 429 || (code !== null && RETRYABLE_CODES.has(code));
    const msg = err.response?.data?.msg ?? err.message ?? String(e);
    return new FeishuError(msg, code, status, retryable, Number.isFinite(reset) && reset > 0 ? reset * 1000 : null);
  }

  static fromBody(body: { code?: number; msg?: string }): FeishuError {
    const code = body.code ?? null;
    return new FeishuError(body.msg ?? 'unknown', code, 200, code !== null && RETRYABLE_CODES.has(code), null);
  }
}
