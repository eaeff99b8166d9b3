import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const SRC = fileURLToPath(new URL('./src/', import.meta.url));
const CLI = path.join(SRC, 'cli') + path.sep;
const PUBLIC_SURFACE = path.join(SRC, 'index.js');

/**
 * The CLI runs on the library build it ships with: its one way into the library, `../index.js` (the
 * public surface, src/index.ts), stays an import of `./index.js` beside dist/cli.js instead of being
 * bundled a second time. Any other import from src/cli/ that leaves src/cli/ fails the build.
 */
const cliImportsTheLibraryBuild: EsbuildPlugin = {
  name: 'cli-imports-the-library-build',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(CLI)) return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      if (target === PUBLIC_SURFACE) return { path: './index.js', external: true };
      if (target.startsWith(CLI)) return undefined;
      return {
        errors: [
          {
            text: `${path.relative(SRC, args.importer)} imports ${args.path}: the CLI reaches the library only through the public surface (${path.relative(path.dirname(args.importer), PUBLIC_SURFACE)}), so that dist/cli.js imports dist/index.js instead of bundling a second copy`,
          },
        ],
      };
    });
  },
};

// No source maps are published: with their sources embedded they were most of the tarball, and
// without them they would point at src/, which is not shipped. White space and syntax are minified
// (the package must stay under 400 kB packed with two builds and their types), identifiers are not:
// a stack trace still names every function.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: false,
    clean: true,
    target: 'es2020',
    treeshake: true,
    minifyWhitespace: true,
    minifySyntax: true,
  },
  {
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    // The CommonJS types without their doc comments (two thirds of their packed size): the documented
    // copy is index.d.ts, which TypeScript reads for `import`, for bundlers and for CommonJS projects
    // resolving with "node" (package.json "types"); only node16/nodenext CommonJS projects read this one.
    dts: { compilerOptions: { removeComments: true } },
    sourcemap: false,
    target: 'es2020',
    treeshake: true,
    minifyWhitespace: true,
    minifySyntax: true,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node18',
    banner: { js: '#!/usr/bin/env node' },
    sourcemap: false,
    minifyWhitespace: true,
    minifySyntax: true,
    esbuildPlugins: [cliImportsTheLibraryBuild],
  },
]);
