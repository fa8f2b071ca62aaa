/** Every PostgreSQL advisory lock id the service takes, in one place so none collide. */
export enum AdvisoryLock {
  Migrations = 7_301_001,
  AdminBootstrap = 7_301_002,
  EvidencePartitions = 7_301_003,
  PlaylistHorizon = 7_301_004,
  AlertExpiry = 7_301_005,
}
