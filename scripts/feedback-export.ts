import { feedbackExportCommand } from '../src/cli/feedback-export-command.js';
import { runMain } from '../src/cli/run.js';

await runMain(() => feedbackExportCommand(process.argv.slice(2)));
