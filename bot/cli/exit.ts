/**
 * Ends a one-shot command (cron jobs): exits with `code` as soon as nothing is pending, and at the latest
 * after `graceMs`, naming what was still open (a timer, a keep-alive socket …) so a leak shows in the log.
 */
export function exitWhenDone(code: number, graceMs = 1500): void {
  process.exitCode = code;
  const timer = setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'TTYWrap');
    if (open.length > 0) console.error(`（仍有未关闭的资源：${open.join('、')}，已强制退出）`);
    process.exit(code);
  }, graceMs);
  // Does not itself keep the process alive: a clean exit happens at once.
  timer.unref();
}
