// A worker thread of prepare/pool.ts: prepares fetched feeds, one at a time,
// with the configuration it was started with.
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import { prepareDocument } from './feed.js';
import type { PrepareReply, PrepareTask } from './pool.js';

const cfg = workerData as Config;
const port = parentPort;
port?.on('message', (task: PrepareTask) => {
  prepareDocument(cfg, task.source, task.body, task.contentType, new Date(task.now), task.stored).then(
    (prepared) => port.postMessage({ id: task.id, prepared } satisfies PrepareReply),
    (err: Error) => port.postMessage({ id: task.id, error: { name: err.name, message: err.message } } satisfies PrepareReply),
  );
});
