// bcrypt comparisons off the main thread.
//
// bcryptjs is pure JavaScript: one cost-10 comparison is ~90 ms of CPU here, and its async API
// yields with process.nextTick, which starves the event loop. Measured on the 2-core dev machine:
// 100 concurrent `bcrypt.compare` calls on the main thread took 9.1 s and stalled the event loop
// for 8.8 s — every other request of the local server (functions run in-process) waited that long.
// A small pool of worker threads does the comparisons instead: the main thread stays responsive,
// both cores are used, and sign-ins finish in arrival order instead of all at the end.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import bcrypt from 'bcryptjs';

// CommonJS source evaluated in each worker (eval mode needs no separate file, so it works the same
// under Node's type stripping, vitest and bundlers). bcryptjs is loaded from the path this module
// resolves, so the worker uses the very same package.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', ({ id, password, hash }) => {
  let ok = false;
  let error = null;
  try { ok = bcrypt.compareSync(password, hash); } catch (err) { error = String(err && err.message || err); }
  parentPort.postMessage({ id, ok, error });
});
`;

interface Job {
  id: number;
  password: string;
  hash: string;
  resolve(ok: boolean): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

const POOL_SIZE = Math.max(1, Math.min(4, availableParallelism()));
const queue: Job[] = [];
const slots: Slot[] = [];
let nextId = 1;
let bcryptPath: string | null = null;
let workersUnavailable = false;

function resolveBcrypt(): string {
  bcryptPath ??= createRequire(import.meta.url).resolve('bcryptjs');
  return bcryptPath;
}

function spawn(): Slot | null {
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath: resolveBcrypt() } });
  } catch {
    // No worker threads in this runtime: compare on the main thread (slower, still correct).
    workersUnavailable = true;
    return null;
  }
  // Idle workers must not keep a test run or a stopping server alive.
  worker.unref();
  const slot: Slot = { worker, job: null };
  worker.on('message', (msg: { id: number; ok: boolean; error: string | null }) => {
    const job = slot.job;
    slot.job = null;
    worker.unref();
    if (job && job.id === msg.id) {
      if (msg.error) job.reject(new Error(`password check failed: ${msg.error}`));
      else job.resolve(msg.ok);
    }
    pump();
  });
  const fail = (err: Error) => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    slot.job?.reject(err);
    slot.job = null;
    pump();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`password worker exited with code ${code}`)));
  slots.push(slot);
  return slot;
}

function pump(): void {
  while (queue.length) {
    let slot = slots.find((s) => !s.job);
    if (!slot && slots.length < POOL_SIZE && !workersUnavailable) slot = spawn() ?? undefined;
    if (!slot) {
      if (workersUnavailable && !slots.length) {
        for (const job of queue.splice(0)) bcrypt.compare(job.password, job.hash).then(job.resolve, job.reject);
      }
      return;
    }
    const job = queue.shift()!;
    slot.job = job;
    // A worker with a job in hand keeps the process alive until it answers.
    slot.worker.ref();
    slot.worker.postMessage({ id: job.id, password: job.password, hash: job.hash });
  }
}

/** bcrypt.compare on a worker thread; jobs are served first come, first served. */
export function comparePassword(password: string, hash: string): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    queue.push({ id: nextId++, password, hash, resolve, reject });
    pump();
  });
}
