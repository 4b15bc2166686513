#!/usr/bin/env node
/**
 * `try-on-endpoint`: the package's command. See cli.ts for the commands and exit codes.
 */
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
