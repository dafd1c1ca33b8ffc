// Deletes the e2e data directory so every Playwright run starts from a fresh database.
// Run as part of config.webServer.command (not as globalSetup: Playwright starts the web server
// BEFORE globalSetup, so a globalSetup would delete the database under the running server).
import { rmSync } from 'node:fs';
import path from 'node:path';

rmSync(path.resolve(import.meta.dirname, '../../.data-e2e'), { recursive: true, force: true });
