/* eslint-disable */
// A worker process for the resilience tests: the compiled `worker.js` (built by the test into BUILD_DIR) plus the
// test handlers, registered before the processor starts consuming. Prints "READY <pid>" once it consumes.
'use strict';
const path = require('node:path');
const dir = process.env.COLLABPAY_BUILD_DIR;
const { startWorker } = require(path.join(dir, 'worker.js'));
const { loadConfig } = require(path.join(dir, 'config', 'env.schema.js'));
const { WebhookHandlerRegistry } = require(path.join(dir, 'modules', 'webhooks', 'webhook-handler.registry.js'));
const { registerTestHandlers } = require('./test-handlers.js');

class TestHandlersModule {}
const testHandlers = {
  module: TestHandlersModule,
  providers: [{ provide: 'TEST_HANDLERS', inject: [WebhookHandlerRegistry], useFactory: (registry) => (registerTestHandlers(registry), true) }],
};

startWorker(loadConfig(process.env), [testHandlers]).then(
  (ctx) => {
    process.stdout.write(`READY ${process.pid}\n`);
    process.once('SIGTERM', () => ctx.close().then(() => process.exit(0)));
  },
  (e) => {
    console.error('test worker failed to start', e);
    process.exit(1);
  },
);
