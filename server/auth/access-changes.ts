/** Told after a key, origin or site changes, so open connections are re-checked everywhere. */
export interface AccessChanges {
  changed(): Promise<void>;
}
