// Hekr's own web SDK (sdk-web 0.1.3-alpha.5, lib/sdk-web.es.js of npm iobroker.hekr@0.0.6)
// driven unmodified against a running Krypton: an oracle nobody here wrote
// (compat-clients.md §4). The SDK is written for browsers; Node gets the globals it
// expects: `window`, `axios` (its commented-out import) and `WebSocket` (the ws package).
//
// Environment: KRYPTON_WS (ws://host:port of the app WebSocket), KRYPTON_HTTP
// (http://host:port, used as both the user and the console base URL), KRYPTON_TOKEN (an
// access token from POST /login), KRYPTON_DEV_TID (a device of the demo product, online
// and bound to the token's user). Prints one "step: …" line per stage; exits 0 when
// every stage passed, 1 otherwise (with the reason), 2 on a timeout.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
globalThis.window = globalThis;
globalThis.axios = require('axios');
globalThis.WebSocket = require('ws');
const { Hekr, Matrix } = await import('iobroker.hekr/lib/sdk-web.es.js');

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`missing ${name}`);
    process.exit(1);
  }
  return v;
};
const http = env('KRYPTON_HTTP');
const devTid = env('KRYPTON_DEV_TID');

// The SDK logs every frame with console.group*; keep the output to our own lines.
for (const k of ['log', 'groupCollapsed', 'groupEnd']) console[k] = () => {};
const say = (line) => process.stdout.write(line + '\n');
const fail = (why) => {
  say(`FAIL: ${why}`);
  process.exit(1);
};
setTimeout(() => {
  say('FAIL: timeout');
  process.exit(2);
}, 20000).unref();

const matrix = new Matrix({
  token: env('KRYPTON_TOKEN'),
  URL: { ws: env('KRYPTON_WS'), user: http, console: http },
});
await matrix.ready();
say('step: appLogin answered 200 (the SDK is ready)');

const hekr = new Hekr({ devTid, Matrix: matrix });
hekr.on('error', (r) => fail(`error event: ${JSON.stringify(r)}`));
hekr.on('offline', (r) => fail(`offline event: ${JSON.stringify(r)}`));
// The first devSend/appSendResp of the device: the SDK's automatic query (cmdId 0) is
// answered by the device's report. (The SDK's own `once` is broken as an ES module: its
// emit calls handlers without `this`.)
const firstReport = new Promise((resolve) => hekr.on('reportDevStatus', resolve));
try {
  await hekr.ready();
} catch (err) {
  fail(`device or template fetch failed: ${err && err.message}`);
}
if (hekr.device.devTid !== devTid || !hekr.device.ctrlKey) fail('GET /device?devTid= did not find the device');
say(`step: GET /device?devTid=${devTid} gave the device (productPublicKey ${hekr.device.productPublicKey})`);
if (hekr.template.workModeType !== 'JSON_CTRL' || !hekr.template.protocol['2']) {
  fail(`unexpected template ${JSON.stringify(hekr.template)}`);
}
say('step: GET /external/device/protocolTemplate gave the JSON_CTRL template');
await firstReport;
say('step: the automatic query was answered with a reportDevStatus');

for (const power of [1, 0]) {
  const report = new Promise((resolve) =>
    hekr.on('reportDevStatus', function on(d) {
      if (d.power === power) {
        hekr.off('reportDevStatus', on);
        resolve(d);
      }
    }),
  );
  hekr.send({ cmdId: 2, power });
  const d = await report;
  say(`step: send {cmdId:2, power:${power}} → reportDevStatus ${JSON.stringify(d)}`);
}
say('OK');
hekr.destroy();
matrix.destroy();
process.exit(0);
