// Runs web_ui.mjs against mock_server.mjs (Basic auth on): a fast check of the pages without the C++ server.
// Usage: node tests/e2e/run_mock.mjs [SCREENSHOT_DIR] (default: a temporary directory, removed on success). Exit code: web_ui.mjs's (77 when Chromium or
// web/node_modules is missing).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
for (const needed of [chromium, path.join(root, 'web/node_modules/playwright-core'), path.join(root, 'web/node_modules/uplot')]) {
  if (!fs.existsSync(needed)) {
    console.log(`SKIP: ${needed} is missing`);
    process.exit(77);
  }
}

const mock = spawn(process.execPath, [path.join(here, 'mock_server.mjs'), '--user', 'e2e', '--password', 'secret pw', '--lifetime', '200'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('mock server did not report its port within 10 s')), 10000);
  readline.createInterface({ input: mock.stdout }).once('line', (line) => {
    clearTimeout(timer);
    resolve(JSON.parse(line).port);
  });
  mock.once('exit', (code) => reject(new Error(`mock server exited with ${code}`)));
}).catch((error) => {
  console.error(`run_mock: ${error.message}`);
  mock.kill('SIGKILL');
  process.exit(1);
});

// Screenshots: the given directory, else a temporary one that is removed when the test passes.
const shots = process.argv[2] || fs.mkdtempSync(path.join(os.tmpdir(), 'accurate-e2e-mock-'));
const test = spawn(process.execPath, [path.join(here, 'web_ui.mjs')], {
  stdio: 'inherit',
  env: { ...process.env, ACCURATE_URL: `http://127.0.0.1:${port}`, ACCURATE_USER: 'e2e', ACCURATE_PASSWORD: 'secret pw',
    SCREENSHOT_DIR: shots },
});
const code = await new Promise((resolve) => test.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
mock.kill('SIGTERM');
if (code === 0 && !process.argv[2]) fs.rmSync(shots, { recursive: true, force: true });
process.exit(code);
