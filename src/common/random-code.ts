import { randomInt } from 'node:crypto';

/** `length` characters drawn uniformly (crypto.randomInt) from `alphabet`: public codes people type. */
export function randomCode(alphabet: string, length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}
