/** The shape every `nvgre` subcommand module exports. */
export interface Command {
  readonly name: string;
  /** One line for `nvgre --help`. */
  readonly summary: string;
  /** The full `nvgre <name> --help` text. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the exit status. */
  run(argv: string[]): Promise<number>;
}
