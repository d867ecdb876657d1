/**
 * `/settings` (Manage Server or maintainers): a server's own settings, stored in the database and
 * applied at once (every later question reads them), overriding the global defaults from the
 * environment. Every reply is ephemeral and shows the settings now in force.
 *
 * - `show`
 * - `channels add|remove channel:<#channel>`: the channels @mentions are answered in (none listed:
 *   every channel; a thread counts as its channel); `channels all` empties the list
 * - `reply-mode mode:<reply|thread|default>`: how a mention is answered (MENTION_REPLY_MODE)
 * - `visibility answers:<public|private|default>`: /ask answers without `public:` (ASK_PUBLIC_DEFAULT)
 * - `cooldown [seconds:<0–3600>]`: between one person's questions; without `seconds`, the default (COOLDOWN_SECONDS)
 * - `reset`: every setting back to the defaults
 */
import { ChannelType, InteractionContextType, MessageFlags, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { maintainerOnly } from '../preconditions/maintainer.js';
import { renderSettings } from '../render/settings.js';
import { embedPayload } from '../render/reply.js';
import type { SlashCommand } from './types.js';

/** The longest cooldown a server may set (as COOLDOWN_SECONDS). */
export const MAX_COOLDOWN_SECONDS = 3600;

const CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

export const settings: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('settings')
    .setDescription('This server’s Verbatim settings (Manage Server or maintainers)')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((sub) => sub.setName('show').setDescription('Show the settings in force in this server'))
    .addSubcommandGroup((group) =>
      group
        .setName('channels')
        .setDescription('The channels the bot answers @mentions in')
        .addSubcommand((sub) =>
          sub
            .setName('add')
            .setDescription('Answer mentions in this channel (once any is listed, only in those listed)')
            .addChannelOption((option) => option.setName('channel').setDescription('The channel').setRequired(true).addChannelTypes(...CHANNEL_TYPES)),
        )
        .addSubcommand((sub) =>
          sub
            .setName('remove')
            .setDescription('Stop answering mentions in this channel')
            .addChannelOption((option) => option.setName('channel').setDescription('The channel').setRequired(true).addChannelTypes(...CHANNEL_TYPES)),
        )
        .addSubcommand((sub) => sub.setName('all').setDescription('Answer mentions in every channel again')),
    )
    .addSubcommand((sub) =>
      sub
        .setName('reply-mode')
        .setDescription('Answer a mention with a reply or in a new thread')
        .addStringOption((option) =>
          option
            .setName('mode')
            .setDescription('reply, thread, or the bot’s default')
            .setRequired(true)
            .addChoices({ name: 'reply', value: 'reply' }, { name: 'thread', value: 'thread' }, { name: 'default', value: 'default' }),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('visibility')
        .setDescription('Whether /ask answers are public or private unless the asker says')
        .addStringOption((option) =>
          option
            .setName('answers')
            .setDescription('public, private, or the bot’s default')
            .setRequired(true)
            .addChoices({ name: 'public', value: 'public' }, { name: 'private', value: 'private' }, { name: 'default', value: 'default' }),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('cooldown')
        .setDescription('Seconds between one person’s questions (leave out for the bot’s default)')
        .addNumberOption((option) => option.setName('seconds').setDescription('0 to 3600').setMinValue(0).setMaxValue(MAX_COOLDOWN_SECONDS)),
    )
    .addSubcommand((sub) => sub.setName('reset').setDescription('Put every setting of this server back to the bot’s defaults')),
  preconditions: [guildAllowlist, maintainerOnly],
  async execute(interaction, ctx) {
    const guildId = interaction.guildId;
    if (guildId === null) return; // The maintainer precondition refuses DMs.
    const note = applyChange(interaction, guildId, ctx);
    await interaction.reply({ ...embedPayload([renderSettings(ctx.settings.for(guildId), note)]), flags: MessageFlags.Ephemeral });
  },
};

/** Makes the change the subcommand asks for; returns the line saying what changed (undefined for `show`). */
function applyChange(interaction: ChatInputCommandInteraction, guildId: string, ctx: BotContext): string | undefined {
  const store = ctx.settings.store;
  const by = interaction.user.id;
  const group = interaction.options.getSubcommandGroup(false);
  const sub = interaction.options.getSubcommand(true);
  const changed = (setting: string, value: unknown, line: string): string => {
    ctx.logger.info({ guild: guildId, user: by, setting, value }, 'server settings changed');
    return line;
  };
  if (group === 'channels') {
    if (sub === 'all') {
      store.clearMentionChannels(guildId, by);
      return changed('mentionChannels', 'all', 'Mentions are answered in every channel.');
    }
    // The channel's id (the option's value; Discord also sends the channel itself, which is not needed).
    const channelId = String(interaction.options.get('channel', true).value);
    if (sub === 'add') {
      const added = store.addMentionChannel(guildId, channelId, by);
      return changed('mentionChannels', { add: channelId }, added ? `Mentions are now answered in <#${channelId}>.` : `<#${channelId}> was already listed.`);
    }
    const removed = store.removeMentionChannel(guildId, channelId, by);
    const left = store.get(guildId).mentionChannels.length;
    const tail = removed && left === 0 ? ' No channel is listed now: mentions are answered in every channel.' : '';
    return changed('mentionChannels', { remove: channelId }, removed ? `Mentions are no longer answered in <#${channelId}>.${tail}` : `<#${channelId}> was not listed.`);
  }
  switch (sub) {
    case 'reply-mode': {
      const mode = interaction.options.getString('mode', true);
      const value = mode === 'reply' || mode === 'thread' ? mode : null;
      store.set(guildId, { setting: 'replyMode', value }, by);
      return changed('replyMode', value, value === null ? 'Mentions are answered as the bot’s default says.' : `Mentions are now answered with ${value === 'thread' ? 'a new thread' : 'a reply'}.`);
    }
    case 'visibility': {
      const answers = interaction.options.getString('answers', true);
      const value = answers === 'public' ? true : answers === 'private' ? false : null;
      store.set(guildId, { setting: 'publicDefault', value }, by);
      return changed('publicDefault', value, value === null ? '/ask answers follow the bot’s default.' : `/ask answers are now ${value ? 'public' : 'private'} unless the asker says otherwise.`);
    }
    case 'cooldown': {
      const seconds = interaction.options.getNumber('seconds');
      store.set(guildId, { setting: 'cooldownSeconds', value: seconds }, by);
      return changed('cooldownSeconds', seconds, seconds === null ? 'The cooldown is the bot’s default again.' : `The cooldown is now ${seconds} s.`);
    }
    case 'reset':
      store.reset(guildId);
      return changed('all', 'reset', 'Every setting is back to the bot’s defaults.');
    default:
      return undefined;
  }
}
