/** Types of build.mjs, for the TypeScript tests that build the page. */
export declare const BUDGET_GZIP: number;
export interface BuiltFile {
  readonly file: string;
  readonly bytes: number;
  readonly gzip: number;
}
export declare function buildWeb(out?: string, options?: { quiet?: boolean }): Promise<{ out: string; files: BuiltFile[]; totalGzip: number }>;
