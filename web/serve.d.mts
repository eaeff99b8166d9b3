/** Types of serve.mjs, for the TypeScript tests that serve the page. */
import type { Server } from 'node:http';
export declare const CSP: string;
export declare function serve(dir: string, options?: { host?: string; port?: number }): Promise<{ server: Server; url: string }>;
