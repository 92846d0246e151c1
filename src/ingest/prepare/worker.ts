// A worker thread of prepare/pool.ts: prepares fetched feeds, one at a time
// in the order they came (the pool hands over the next before this one is
// done), with the configuration it was started with.
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import { prepareDocument } from './feed.js';
import type { PrepareReply, PrepareTask } from './pool.js';

const cfg = workerData as Config;
const port = parentPort;
let last: Promise<void> = Promise.resolve();
port?.on('message', (task: PrepareTask) => {
  last = last.then(() =>
    prepareDocument(cfg, task.source, task.body, task.contentType, new Date(task.now), task.stored).then(
      (prepared) => port.postMessage({ id: task.id, prepared } satisfies PrepareReply),
      (err: Error) => port.postMessage({ id: task.id, error: { name: err.name, message: err.message } } satisfies PrepareReply),
    ),
  );
});
