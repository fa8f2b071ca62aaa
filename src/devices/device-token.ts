import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device tokens are 256 random bits, so a fast hash is enough to store them (unlike passwords,
 * they cannot be guessed from a dictionary), and 100,000 devices reconnecting after an outage
 * cost microseconds each to check.
 */
export function newDeviceToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashDeviceToken(token) };
}

export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenMatches(token: string, storedHash: string): boolean {
  const a = Buffer.from(hashDeviceToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token as a Mosquitto password-file hash (`$7$`: PBKDF2-SHA512, 101 iterations, 12-byte
 * salt — what mosquitto_passwd writes), made when the token is issued, the only time the service
 * sees it; `npm run mosquitto:export` writes these into the broker's password file.
 */
export function mosquittoPasswordHash(token: string, salt = randomBytes(12), iterations = 101): string {
  const hash = pbkdf2Sync(token, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}
