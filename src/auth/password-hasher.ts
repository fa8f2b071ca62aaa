import { hash, verify } from '@node-rs/argon2';

/** argon2id (OWASP's first choice) with its parameters in the stored PHC string, so they can be
 *  raised later without breaking existing hashes. */
export class PasswordHasher {
  constructor(private readonly cost = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }) {}

  hash(password: string): Promise<string> {
    return hash(password, { ...this.cost, algorithm: 2 /* Argon2id */ });
  }

  async verify(hashed: string, password: string): Promise<boolean> {
    try {
      return await verify(hashed, password);
    } catch {
      return false;
    }
  }
}

/** A hash of a password nobody has, so that an unknown username costs as long as a wrong password. */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$hSSx2xb3wqq0m7jQn6u4V2Q3n0Yvx0vkh0TjHMtX0U8';
