/**
 * A second process for the concurrency tests: opens the database as the bot does and, once the start
 * file appears (so that both writers begin together), records `count` votes of its own, a detail on
 * each, one vote on each of `shared` answers every writer votes on as the same voter, and adds mention
 * channels to a server. Prints one JSON line with what it was told.
 *
 * Usage: tsx feedback-writer.ts DB NAME COUNT SHARED START_FILE [LEGACY_FILE]
 */
import { existsSync } from 'node:fs';
import { createLogger } from '../../../src/core/logger.js';
import { FeedbackStore } from '../../../src/discord/feedback.js';
import { openDatabase } from '../../../src/storage/database.js';
import { ServerSettingsStore } from '../../../src/storage/server-settings.js';

const [dbFile, name, countText, sharedText, startFile, legacyFile] = process.argv.slice(2);
if (dbFile === undefined || name === undefined || startFile === undefined) throw new Error('usage: DB NAME COUNT SHARED START_FILE [LEGACY_FILE]');
const count = Number(countText);
const shared = Number(sharedText);

const db = openDatabase(dbFile);
const store = await FeedbackStore.open(db, createLogger({ level: 'silent' }), { salt: 'a-secret-salt-of-some-length', legacyFile });
const settings = new ServerSettingsStore(db);
while (!existsSync(startFile)) await new Promise((resolve) => setTimeout(resolve, 5));

const outcomes = { recorded: 0, duplicate: 0, details: 0, sharedRecorded: 0 };
const none = () => ({ question: `question of ${name}`, sources: ['001_article'] });
for (let i = 0; i < Math.max(count, shared); i++) {
  if (i < count) {
    const answerId = `${name}-answer-${i}`;
    if ((await store.record(answerId, `9000000000000000${i % 10}`, 'down', none)) === 'recorded') outcomes.recorded++;
    if ((await store.recordDetail(answerId, `9000000000000000${i % 10}`, { kind: 'should-decline' })) === 'recorded') outcomes.details++;
    settings.addMentionChannel('100000000000000001', `2000000000000000${String(i).padStart(3, '0')}`, name);
  }
  if (i < shared && (await store.record(`shared-answer-${i}`, '111111111111111111', i % 2 === 0 ? 'up' : 'down', none)) === 'recorded') outcomes.sharedRecorded++;
}
db.close();
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
