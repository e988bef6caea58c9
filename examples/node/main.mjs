#!/usr/bin/env node
// node examples/node/main.mjs [task] [options] — see --help.
import { main } from './cli.mjs';

process.exitCode = await main(process.argv.slice(2), { runtime: 'node' });
