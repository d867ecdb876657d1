/** The ◀/▶ buttons of `/sources`: show the page the button leads to, in place. */
import { parseSourcesPageId } from '../custom-ids.js';
import { embedPayload } from '../render/reply.js';
import { renderSourcesPage } from '../render/sources-page.js';
import type { ButtonHandler } from './types.js';

export const sourcesPager: ButtonHandler = {
  name: 'sources-pager',
  matches: (customId) => parseSourcesPageId(customId) !== undefined,
  async handle(interaction, ctx) {
    const page = parseSourcesPageId(interaction.customId) ?? 1;
    const view = renderSourcesPage(ctx.library.articles(), page);
    await interaction.update(embedPayload(view.embeds, view.components));
  },
};
