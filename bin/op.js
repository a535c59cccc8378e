#!/usr/bin/env node
// Node >= 22.18 runs the TypeScript sources directly (type stripping); there is no build step.
// The compile cache keeps the compiled modules between runs, so a command starts in a fraction
// of the time it takes to compile them again.
import module from 'node:module';

module.enableCompileCache?.();
await import('../src/cli/main.ts');
