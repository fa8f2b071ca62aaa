import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { DeviceTokenCache } from '../auth/device-token-cache';
import { hashDeviceToken } from '../devices/device-token';
import type { PlaylistCompiler } from './playlist-compiler';
import { etagMatches } from './playlists.controller';

const POLL = /^\/api\/v1\/devices\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/playlist(?:\?.*)?$/;

/**
 * The hot path of a fleet polling for its playlist. A device whose token and channel version are
 * already in the caches and whose ETag is still current gets its 304 straight from the HTTP
 * server, before Express. Everything else — first contact, a cache miss, a newer version, an
 * unknown token, a person — goes to the normal pipeline (AuthGuard, PlaylistsController), which
 * answers every case and fills the caches; this only answers the common case sooner.
 */
export function installPlaylistPollFastPath(server: Server, tokens: DeviceTokenCache, compiler: PlaylistCompiler): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (handlers.length !== 1) return; // not the plain Express server we know: leave it alone
  const [app] = handlers;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!answered(req, res, tokens, compiler)) app(req, res);
  });
}

function answered(req: IncomingMessage, res: ServerResponse, tokens: DeviceTokenCache, compiler: PlaylistCompiler): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  const auth = req.headers.authorization;
  if (req.method !== 'GET' || !ifNoneMatch || !auth || !auth.startsWith('Bearer ') || auth.includes('.')) return false;
  const match = POLL.exec(req.url ?? '');
  if (!match) return false;
  const device = tokens.peek(hashDeviceToken(auth.slice(7).trim()));
  if (!device || device.id !== match[1]) return false;
  const version = compiler.peekVersion(device.channelId);
  if (version === null || !etagMatches(ifNoneMatch, `"${version}"`)) return false;
  res.writeHead(304, { ETag: `"${version}"`, 'Cache-Control': 'no-cache' });
  res.end();
  return true;
}
