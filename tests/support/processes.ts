/** Whether a process the test started is still alive. */
import { existsSync, readFileSync } from 'node:fs';

/** Running, and not a zombie waiting to be reaped (Linux: the state field of /proc/PID/stat). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    const text = readFileSync(stat, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
