/**
 * `/ask question:<text> [public:<bool>]`: defers at once (ephemerally unless public, or the server's
 * default — /settings, else ASK_PUBLIC_DEFAULT), then edits the deferred reply with the answer. Busy and cooldown refusals are
 * immediate ephemeral replies, so nobody waits on a question that will not be answered.
 */
import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { answerQuestion } from '../answer-question.js';
import { cooldown } from '../preconditions/cooldown.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { ephemeralNotice } from '../render/reply.js';
import type { SlashCommand } from './types.js';

/** The longest question the command accepts (Discord enforces it in the client). */
export const MAX_QUESTION_LENGTH = 500;

export const ask: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask a question about the news articles; the answer quotes them verbatim')
    .addStringOption((option) =>
      option.setName('question').setDescription('Your question').setRequired(true).setMinLength(1).setMaxLength(MAX_QUESTION_LENGTH),
    )
    .addBooleanOption((option) =>
      option.setName('public').setDescription('Show the answer to everyone in the channel (default: only you)'),
    ),
  preconditions: [guildAllowlist, cooldown],
  async execute(interaction, ctx) {
    const question = interaction.options.getString('question', true);
    const isPublic = interaction.options.getBoolean('public') ?? ctx.settings.for(interaction.guildId).publicDefault;
    await answerQuestion(ctx, {
      question,
      userId: interaction.user.id,
      guildId: interaction.guildId ?? undefined,
      via: 'slash',
      // The cooldown precondition has started it.
      cooldownTaken: true,
      delivery: {
        refuse: async (text) => {
          await interaction.reply(ephemeralNotice(text));
        },
        prepare: async () => {
          await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
        },
        send: async (payload) => {
          const message = await interaction.editReply(payload);
          // A public answer can be replied to with a follow-up; a private one cannot.
          return isPublic ? [message.id] : [];
        },
      },
      logFields: () => ({ public: isPublic }),
    });
  },
};
