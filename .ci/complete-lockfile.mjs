// The npm mirror this project is built against lacks some platform builds that @node-rs/jieba and rollup list as
// optional dependencies, so `npm install` leaves them out of package-lock.json and `npm ci` then refuses the lock.
// This records each missing one with its os/cpu only: npm ci skips it on a non-matching platform, as it would anyway.
// Run after any `npm install` that rewrites the lock: node .ci/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;
const OS = ['android', 'darwin', 'freebsd', 'linux', 'win32', 'openbsd', 'openharmony', 'sunos', 'aix'];
const CPU = { 'arm-eabi': 'arm', 'arm-gnueabihf': 'arm', 'arm-musleabihf': 'arm', arm64: 'arm64', x64: 'x64', ia32: 'ia32', loong64: 'loong64', ppc64: 'ppc64', riscv64: 'riscv64', s390x: 's390x' };
let added = 0;
for (const [where, meta] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (pkgs[key] || pkgs[`${where}/node_modules/${name}`]) continue;
    const suffix = name.split('/').pop();
    const os = OS.find((o) => suffix.includes(`-${o}-`));
    const cpuKey = Object.keys(CPU).sort((a, b) => b.length - a.length).find((c) => suffix.includes(`-${c}`));
    if (!os || !cpuKey) continue;
    const entry = { version, cpu: [CPU[cpuKey]], optional: true, os: [os] };
    if (os === 'linux') entry.libc = [suffix.includes('musl') ? 'musl' : 'glibc'];
    pkgs[key] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform entries recorded`);
