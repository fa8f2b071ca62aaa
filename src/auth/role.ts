/** admin: users and units of a subtree; editor: content, series and rules of a subtree;
 *  operator: their commune (confirmations, local announcements, alerts); viewer: reports. */
export const ROLES = ['admin', 'editor', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
