// Runs the TypeScript build worker from source (under tsx or vitest): registers tsx's loader in this thread first.
import { workerData } from 'node:worker_threads';
const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
