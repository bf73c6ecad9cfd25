/**
 * Who holds a lease on an inbox event or an outbox row: host, pid and a boot id drawn once per process
 * start. A lease whose holder is on this host, is not this process and whose pid is gone was left by a
 * crash and can be taken over at once instead of waiting for it to expire.
 */
export interface LeaseOwner {
  host: string;
  pid: number;
  boot: string;
}

export const ownerLabel = (o: LeaseOwner): string => `${o.host}/${o.pid}/${o.boot}`;

export function parseOwner(label: string | null): LeaseOwner | null {
  const m = label?.match(/^(.*)\/(\d+)\/([^/]+)$/);
  return m ? { host: m[1]!, pid: Number(m[2]), boot: m[3]! } : null;
}

/** A fresh owner; pid 0 (runtimes without processes, such as Workers) never takes over nor is taken over. */
export function newOwner(host = 'worker', pid = 0): LeaseOwner {
  return { host, pid, boot: globalThis.crypto.randomUUID() };
}

/** Whether `pid` is a running process on this host (signal 0 checks without signalling). */
export function pidAlive(pid: number): boolean {
  if (pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a lease held by `holder` was left by a process that no longer runs on this host. */
export function abandoned(holder: LeaseOwner | null, me: LeaseOwner, alive: (pid: number) => boolean): boolean {
  if (!holder || holder.host !== me.host || holder.pid <= 0) return false;
  if (holder.boot === me.boot) return false;
  return holder.pid === me.pid ? true : !alive(holder.pid);
}
