/**
 * One build at a time per index directory: an exclusive lock file holding the builder's pid.
 * A lock left by a process that no longer runs (a killed build) is taken over.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { IndexError } from '../core/errors.js';

const LOCK_FILE = '.build.lock';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock and returns a function that releases it. */
export async function acquireBuildLock(indexDir: string): Promise<() => Promise<void>> {
  await mkdir(indexDir, { recursive: true });
  const file = path.join(indexDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && isRunning(holder)) {
        throw new IndexError(`Another index build (process ${holder}) is running on ${indexDir}.`, {
          hint: 'Wait for it to finish, or stop it and run the build again.',
          path: file,
        });
      }
      await rm(file, { force: true });
    }
  }
  throw new IndexError(`Could not take the build lock ${file}.`, { path: file });
}
