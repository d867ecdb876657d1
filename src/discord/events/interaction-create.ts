/**
 * InteractionCreate: routes slash commands (after their preconditions), autocomplete and buttons to
 * their modules. Every route catches its errors (see interaction-errors.ts).
 *
 * Every kind of interaction first goes through the same location check (GUILD_ALLOWLIST): outside the
 * allowed guilds, and in DMs when an allow-list is set, a command or a button gets the ephemeral
 * refusal and autocomplete gets no suggestions — so nothing about the corpus (article titles, the
 * sources list) is shown where the bot is not enabled.
 */
import { Events, type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import type { BotContext } from '../context.js';
import { reportInteractionError } from '../interaction-errors.js';
import { guildAllowlist } from '../preconditions/guild-allowlist.js';
import { actorOfInteraction, runPreconditions, type Precondition } from '../preconditions/types.js';
import { ephemeralNotice } from '../render/reply.js';
import type { BotEvent } from './types.js';

/** The checks every interaction passes before it is routed (commands then run their own). */
export const INTERACTION_PRECONDITIONS: readonly Precondition[] = [guildAllowlist];

export const interactionCreate: BotEvent<Events.InteractionCreate> = {
  name: Events.InteractionCreate,
  async execute(ctx, interaction) {
    if (interaction.isChatInputCommand()) await handleCommand(interaction, ctx);
    else if (interaction.isAutocomplete()) await handleAutocomplete(interaction, ctx);
    else if (interaction.isButton()) await handleButton(interaction, ctx);
  },
};

/** The first refusal of the shared checks, logged, or undefined when the interaction may go on. */
function refusal(interaction: Interaction, ctx: BotContext, kind: string, what: string): string | undefined {
  const check = runPreconditions(INTERACTION_PRECONDITIONS, actorOfInteraction(interaction), ctx);
  if (check.ok) return undefined;
  const fields = { [kind]: what, precondition: check.precondition, user: interaction.user.id, guild: interaction.guildId };
  // Autocomplete comes with every keystroke: logged at debug, not to flood the log.
  if (kind === 'autocomplete') ctx.logger.debug(fields, `${kind} refused`);
  else ctx.logger.warn(fields, `${kind} refused`);
  return check.message;
}

async function handleCommand(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const command = ctx.commands.get(interaction.commandName);
  try {
    const refused = refusal(interaction, ctx, 'command', interaction.commandName);
    if (refused !== undefined) {
      await interaction.reply(ephemeralNotice(refused));
      return;
    }
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
    // Only the shared location checks: the command's own (e.g. the cooldown) are for running it.
    if (refusal(interaction, ctx, 'autocomplete', interaction.commandName) !== undefined) await interaction.respond([]);
    else if (command?.autocomplete) await command.autocomplete(interaction, ctx);
    else await interaction.respond([]);
  } catch (error) {
    ctx.logger.error({ err: error, command: interaction.commandName }, 'autocomplete failed');
    if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
  }
}

async function handleButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const handler = ctx.buttons.find((candidate) => candidate.matches(interaction.customId));
  try {
    const refused = refusal(interaction, ctx, 'button', handler?.name ?? interaction.customId);
    if (refused !== undefined) {
      await interaction.reply(ephemeralNotice(refused));
      return;
    }
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
