/** Told after a key, origin or site changes, so open connections are re-checked everywhere. */
export interface AccessChanges {
  changed(): Promise<void>;
  /** A visitor's data was erased: their open connections end. */
  visitorErased(visitorId: string): void;
}
