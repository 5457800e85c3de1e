/** @module `interceptor <command>`: a small dispatcher; each command lives in its own module. */

type Command = (args: string[]) => Promise<number>;

const USAGE = `usage: interceptor <command>

commands:
  start            run the API, the worker, and (unless configured otherwise) the embedded
                   Postgres and Temporal services; see README for environment variables
  proxy ...        run the MCP policy proxy (see docs/mcp-proxy.md; \`interceptor proxy --help\`)
  evidence verify FILE --key KEY
                   verify an evidence bundle offline with the signer's public key
  help             show this text
`;

const COMMANDS: Record<string, Command> = {
  start: async () => (await import('./main.js')).start(),
  proxy: async (args) => (await import('../proxy/cli.js')).runProxyCli(args),
  evidence: async (args) => (await import('./evidence-cli.js')).runEvidenceCli(args),
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
