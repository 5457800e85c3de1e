/** @module `interceptor <command>`: a small dispatcher; each command lives in its own module. */

type Command = (args: string[]) => Promise<number>;

const USAGE = `usage: interceptor <command>

commands:
  start            run the API, the worker, and (unless configured otherwise) the embedded
                   Postgres and Temporal services; see README for environment variables
  help             show this text
`;

const COMMANDS: Record<string, Command> = {
  start: async () => (await import('./main.js')).start(),
  help: async () => {
    process.stdout.write(USAGE);
    return 0;
  },
};

/** Run one command; returns the exit code (2 for a usage error). */
export async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  const command = COMMANDS[name === '--help' || name === '-h' ? 'help' : name];
  if (!command) {
    process.stderr.write(`interceptor: unknown command \`${name}\`\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
}
