import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PeerCertificate } from 'node:tls';
import type { PlayerConfig } from './config';

/**
 * How the player trusts the service over 3G/4G and the public Internet: MQTT over TLS (mqtts/wss)
 * and HTTPS, the server checked against the configured CA file (a private CA, or the server's own
 * certificate) and, if set, its certificate's SHA-256 fingerprint (pinning). Plain mqtt:// and
 * http:// only with `allowInsecure` (a closed LAN).
 */
export function transportProblems(c: Pick<PlayerConfig, 'serverUrl' | 'brokerUrl' | 'allowInsecure' | 'caFile' | 'pinSha256'>): string[] {
  const problems: string[] = [];
  if (!c.allowInsecure) {
    if (c.brokerUrl && !/^(mqtts|wss):\/\//.test(c.brokerUrl)) problems.push('brokerUrl: plain MQTT is refused; use mqtts:// (or wss://), or set allowInsecure: true on a closed LAN');
    if (c.serverUrl && !/^https:\/\//.test(c.serverUrl)) problems.push('serverUrl: plain HTTP is refused; use https://, or set allowInsecure: true on a closed LAN');
  }
  if (c.caFile) {
    try {
      new X509Certificate(readFileSync(c.caFile));
    } catch (err) {
      problems.push(`caFile: ${c.caFile} is not a readable PEM certificate (${err instanceof Error ? err.message : err})`);
    }
  }
  if (c.pinSha256 !== undefined && !/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/.test(c.pinSha256)) problems.push('pinSha256: must be the certificate’s SHA-256 fingerprint (64 hex digits, colons allowed)');
  return problems;
}

const normalise = (fp: string) => fp.replace(/:/g, '').toUpperCase();

/** TLS options for MQTT.js (and any TLS socket) from the configuration. */
export function tlsOptions(c: Pick<PlayerConfig, 'caFile' | 'pinSha256'>): { ca?: Buffer; rejectUnauthorized: true; checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined } {
  return {
    rejectUnauthorized: true,
    ...(c.caFile ? { ca: readFileSync(c.caFile) } : {}),
    ...(c.pinSha256
      ? {
          checkServerIdentity: (_host: string, cert: PeerCertificate) =>
            normalise(cert.fingerprint256 ?? '') === normalise(c.pinSha256!) ? undefined : new Error(`server certificate ${cert.fingerprint256} is not the pinned one`),
        }
      : {}),
  };
}
