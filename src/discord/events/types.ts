/** An event module: which client event it handles and what it does. */
import type { Client, ClientEvents } from 'discord.js';
import type { BotContext } from '../context.js';

export interface BotEvent<K extends keyof ClientEvents> {
  name: K;
  once?: boolean;
  execute(ctx: BotContext, ...args: ClientEvents[K]): Promise<void>;
}

/**
 * Binds an event module to a client. The handler's work is tracked (so that stopping waits for it)
 * and any error it lets escape is logged, never thrown into discord.js.
 */
export function bindEvent<K extends keyof ClientEvents>(client: Client, event: BotEvent<K>, ctx: BotContext): void {
  const listener = (...args: ClientEvents[K]): void => {
    ctx.track(event.execute(ctx, ...args)).catch((error: unknown) => {
      ctx.logger.error({ err: error, event: String(event.name) }, 'event handler failed');
    });
  };
  if (event.once) client.once(event.name, listener);
  else client.on(event.name, listener);
}
