/** Told after a key, origin, site or character changes, so caches are dropped and open connections re-checked everywhere. */
export interface AccessChanges {
  changed(): Promise<void>;
  /** A visitor's data was erased: their open connections end. */
  visitorErased(visitorId: string): void;
}
