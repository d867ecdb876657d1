/** ClientReady: logs that the bot is up, with what it serves, and a warning per guild where it lacks permissions. */
import { Events } from 'discord.js';
import { warnMissingPermissions } from '../permissions.js';
import type { BotEvent } from './types.js';

export const ready: BotEvent<Events.ClientReady> = {
  name: Events.ClientReady,
  once: true,
  async execute(ctx, client) {
    const articles = ctx.library.articles();
    const chunks = articles.reduce((n, article) => n + article.chunks, 0);
    const guilds = [...client.guilds.cache.keys()];
    ctx.logger.info(
      { user: client.user.tag, id: client.user.id, guilds: guilds.length, articles: articles.length, chunks, commands: ctx.commands.size },
      `ready: ${client.user.tag} in ${guilds.length} guild(s), ${articles.length} articles, ${chunks} chunks indexed`,
    );
    const allow = ctx.config.guildAllowlist;
    if (allow.length > 0) {
      const outside = guilds.filter((id) => !allow.includes(id));
      if (outside.length > 0) ctx.logger.warn({ guilds: outside }, 'in guilds outside GUILD_ALLOWLIST; commands there will be refused');
    }
    for (const guild of client.guilds.cache.values()) warnMissingPermissions(guild, ctx.settings.for(guild.id).replyMode, ctx.logger);
  },
};
