/** The `/settings` report: what applies in a server, and which values are its own. */
import type { APIEmbed } from 'discord.js';
import type { EffectiveSettings } from '../server-settings.js';
import { COLORS } from './answer.js';

/** " (default)" after a value the server has not set itself. */
function mark(own: boolean): string {
  return own ? '' : ' *(default)*';
}

/** Renders a server's settings as an embed (`note`: what just changed, as its description's first line). */
export function renderSettings(settings: EffectiveSettings, note?: string): APIEmbed {
  const channels = settings.mentionChannels.length === 0 ? `every channel${mark(false)}` : settings.mentionChannels.map((id) => `<#${id}>`).join(', ');
  const lines = [
    ...(note === undefined ? [] : [note, '']),
    'A value marked *(default)* comes from the bot’s configuration; the others were set here with `/settings`.',
  ];
  return {
    title: 'Verbatim settings for this server',
    description: lines.join('\n'),
    color: COLORS.info,
    fields: [
      { name: 'Answers @mentions in', value: channels, inline: false },
      { name: 'Answers a mention with', value: `${settings.replyMode === 'thread' ? 'a new thread' : 'a reply'}${mark(settings.own.replyMode)}`, inline: true },
      { name: '/ask answers are', value: `${settings.publicDefault ? 'public' : 'private (only the asker sees them)'}${mark(settings.own.publicDefault)}`, inline: true },
      { name: 'Cooldown between questions', value: `${formatSeconds(settings.cooldownSeconds)}${mark(settings.own.cooldownSeconds)}`, inline: true },
    ],
    ...(settings.updatedAt !== undefined ? { timestamp: settings.updatedAt, footer: { text: 'Last changed' } } : {}),
  };
}

function formatSeconds(seconds: number): string {
  return seconds === 0 ? 'none' : `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
