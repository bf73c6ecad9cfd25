/** grammY-style middleware: each feature is a Composer; the first that handles a message stops the chain. */
export type Next = () => Promise<void>;
export type Middleware<C> = (ctx: C, next: Next) => unknown;

export class Composer<C extends { text: string; match: RegExpMatchArray | null }> {
  private readonly stack: Middleware<C>[] = [];
  /** One line per command, for the help card. */
  readonly help: string[] = [];

  use(...middleware: (Middleware<C> | Composer<C>)[]): this {
    for (const m of middleware) {
      if (m instanceof Composer) {
        this.stack.push(m.middleware());
        this.help.push(...m.help);
      } else {
        this.stack.push(m);
      }
    }
    return this;
  }

  /** Runs `handler` when the text matches `pattern`; `ctx.match` holds the match. */
  hears(pattern: RegExp, handler: (ctx: C) => unknown, help?: string): this {
    if (help) this.help.push(help);
    this.stack.push(async (ctx, next) => {
      const match = ctx.text.match(pattern);
      if (!match) return next();
      ctx.match = match;
      await handler(ctx);
    });
    return this;
  }

  middleware(): Middleware<C> {
    return (ctx, next) => this.run(ctx, next);
  }

  async run(ctx: C, last: Next = async () => {}): Promise<void> {
    const step = async (i: number): Promise<void> => {
      const m = this.stack[i];
      if (!m) return last();
      await m(ctx, () => step(i + 1));
    };
    await step(0);
  }
}
