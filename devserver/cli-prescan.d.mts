/** Types for cli-prescan.mjs. */
export declare function prescan(argv: string[]): { port: number; ip: string; maxRequestBytes?: number };
