/**
 * The only platform the shared core assumes: what browsers, workers and Node
 * all provide. shared/ compiles without the DOM lib (and without Node's types),
 * so a module that reaches for `window`, `fetch` or `Buffer` fails to compile.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}

declare const crypto: {
  getRandomValues<T extends Uint8Array>(array: T): T;
};
