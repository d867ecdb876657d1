/**
 * InteractionCreate: routes slash commands (after their preconditions), autocomplete and buttons to
 * their modules. Every route catches its errors (see interaction-errors.ts).
 */
import { Events, type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext } from '../context.js';
import { reportInteractionError } from '../interaction-errors.js';
import { actorOfInteraction, runPreconditions } from '../preconditions/types.js';
import { ephemeralNotice } from '../render/reply.js';
import type { BotEvent } from './types.js';

export const interactionCreate: BotEvent<Events.InteractionCreate> = {
  name: Events.InteractionCreate,
  async execute(ctx, interaction) {
    if (interaction.isChatInputCommand()) await handleCommand(interaction, ctx);
    else if (interaction.isAutocomplete()) await handleAutocomplete(interaction, ctx);
    else if (interaction.isButton()) await handleButton(interaction, ctx);
  },
};

async function handleCommand(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const command = ctx.commands.get(interaction.commandName);
  try {
    if (!command) {
      ctx.logger.warn({ command: interaction.commandName }, 'unknown command (are the registered commands out of date? run deploy-commands)');
      await interaction.reply(ephemeralNotice('I don’t know that command any more. Try `/help`.'));
      return;
    }
    const check = runPreconditions(command.preconditions ?? [], actorOfInteraction(interaction), ctx);
    if (!check.ok) {
      ctx.logger.warn(
        { command: interaction.commandName, precondition: check.precondition, user: interaction.user.id, guild: interaction.guildId },
        'command refused',
      );
      await interaction.reply(ephemeralNotice(check.message));
      return;
    }
    await command.execute(interaction, ctx);
  } catch (error) {
    await reportInteractionError(interaction, error, ctx.logger, { command: interaction.commandName });
  }
}

async function handleAutocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const command = ctx.commands.get(interaction.commandName);
  try {
    if (command?.autocomplete) await command.autocomplete(interaction, ctx);
    else await interaction.respond([]);
  } catch (error) {
    ctx.logger.error({ err: error, command: interaction.commandName }, 'autocomplete failed');
    if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
  }
}

async function handleButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const handler = ctx.buttons.find((candidate) => candidate.matches(interaction.customId));
  try {
    if (!handler) {
      ctx.logger.warn({ customId: interaction.customId }, 'button with an unknown custom id');
      await interaction.reply(ephemeralNotice('That button no longer does anything.'));
      return;
    }
    await handler.handle(interaction, ctx);
  } catch (error) {
    await reportInteractionError(interaction, error, ctx.logger, { button: handler?.name ?? interaction.customId });
  }
}
